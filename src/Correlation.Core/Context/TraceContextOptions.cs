using Correlation.Trace;

namespace Correlation.Context;

/// <summary>
/// What correlation fields a log record carries and under which names. The same options drive every adapter
/// (Serilog, NLog, Microsoft.Extensions.Logging); they are compiled once into a <see cref="TraceFieldSet"/>.
/// </summary>
public sealed class TraceContextOptions
{
    /// <summary>The naming convention. Default: <see cref="TraceFieldProfile.OpenTelemetry"/>.</summary>
    public TraceFieldProfile Profile { get; set; } = TraceFieldProfile.OpenTelemetry;

    /// <summary>
    /// The span fields to write; <see langword="null"/> (default) means the profile's own default:
    /// <see cref="TraceFields.TraceId"/> and <see cref="TraceFields.SpanId"/>, plus <see cref="TraceFields.ParentSpanId"/>
    /// for the Serilog profile.
    /// </summary>
    public TraceFields? Fields { get; set; }

    /// <summary>Field names that replace the profile's, e.g. <c>Names[TraceFields.TraceId] = "traceId"</c>.</summary>
    public Dictionary<TraceFields, string> Names { get; } = new();

    /// <summary>
    /// The baggage allow-list: each key maps to the field name it is written under (an empty name means the key itself).
    /// Only listed keys are written.
    /// </summary>
    public Dictionary<string, string> Baggage { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The resource attributes to write on every record: each attribute key maps to its field name (an empty name means
    /// the profile's name for it: <c>dd.service</c> under Datadog, the key itself otherwise).
    /// </summary>
    public Dictionary<string, string> ResourceFields { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The resource whose attributes <see cref="ResourceFields"/> reads; <see langword="null"/> (default) means the
    /// running Correlation tracer provider's resource, else the one the environment describes
    /// (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>).
    /// </summary>
    public Resource? Resource { get; set; }

    /// <summary>What a record gets for a field without a value. Default: <see cref="MissingFieldBehavior.Omit"/>.</summary>
    public MissingFieldBehavior MissingFields { get; set; } = MissingFieldBehavior.Omit;

    /// <summary>Adds a baggage key to the allow-list.</summary>
    /// <param name="key">The baggage key, e.g. <c>tenant.id</c>.</param>
    /// <param name="fieldName">The field name to write it under; the key itself when <see langword="null"/>.</param>
    /// <returns>These options.</returns>
    public TraceContextOptions IncludeBaggage(string key, string? fieldName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Baggage[key] = fieldName ?? string.Empty;
        return this;
    }

    /// <summary>Adds a resource attribute to write on every record.</summary>
    /// <param name="attributeKey">The attribute key, e.g. <c>service.name</c>.</param>
    /// <param name="fieldName">The field name; the profile's name for the attribute when <see langword="null"/>.</param>
    /// <returns>These options.</returns>
    public TraceContextOptions IncludeResource(string attributeKey, string? fieldName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(attributeKey);
        ResourceFields[attributeKey] = fieldName ?? string.Empty;
        return this;
    }

    /// <summary>Adds <c>service.name</c>, <c>service.version</c> and <c>deployment.environment.name</c> to the resource fields.</summary>
    /// <returns>These options.</returns>
    public TraceContextOptions IncludeServiceFields()
    {
        IncludeResource(Trace.Resource.ServiceNameKey);
        IncludeResource(Trace.Resource.ServiceVersionKey);
        return IncludeResource(Trace.Resource.DeploymentEnvironmentKey);
    }

    /// <summary>Copies these options (adapters take a copy, so later changes do not leak into a built logger).</summary>
    /// <returns>A new, independent instance.</returns>
    public TraceContextOptions Clone()
    {
        var copy = new TraceContextOptions();
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Makes these options the same as <paramref name="source"/> (a configuration reader that must undo its changes).</summary>
    internal void CopyFrom(TraceContextOptions source)
    {
        Profile = source.Profile;
        Fields = source.Fields;
        Resource = source.Resource;
        MissingFields = source.MissingFields;
        Copy(source.Names, Names);
        Copy(source.Baggage, Baggage);
        Copy(source.ResourceFields, ResourceFields);
    }

    private static void Copy<TKey>(Dictionary<TKey, string> source, Dictionary<TKey, string> target)
        where TKey : notnull
    {
        target.Clear();
        foreach (var pair in source)
        {
            target[pair.Key] = pair.Value;
        }
    }
}
