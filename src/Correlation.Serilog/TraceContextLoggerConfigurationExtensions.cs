using Correlation.Context;
using Correlation.Serilog.Configuration;
using Correlation.Serilog.Enrichers;
using Serilog.Configuration;

namespace Serilog;

/// <summary>
/// <c>.Enrich.WithTraceContext()</c>: adds the current span's correlation fields (trace id, span id and, as configured,
/// parent id, flags, tracestate, baggage and resource fields) to every event, under the names a backend expects.
/// </summary>
public static class TraceContextLoggerConfigurationExtensions
{
    /// <summary>
    /// Adds <c>trace_id</c> and <c>span_id</c> (OpenTelemetry names) of the span current when each event is created.
    /// Outside a span nothing is added. A property the event already has is never replaced.
    /// </summary>
    /// <param name="enrichmentConfiguration">The logger's enrichment configuration.</param>
    /// <returns>The logger configuration, to chain further calls.</returns>
    public static LoggerConfiguration WithTraceContext(this LoggerEnrichmentConfiguration enrichmentConfiguration)
        => WithTraceContext(enrichmentConfiguration, static _ => { });

    /// <summary>Adds the correlation fields chosen by <paramref name="configure"/>: profile, fields, names, baggage, resource fields, missing-field behaviour.</summary>
    /// <param name="enrichmentConfiguration">The logger's enrichment configuration.</param>
    /// <param name="configure">Sets the options; they are copied and compiled now, later changes have no effect.</param>
    /// <returns>The logger configuration, to chain further calls.</returns>
    /// <exception cref="ArgumentException">The options are invalid (an empty, duplicate or invalid field name).</exception>
    public static LoggerConfiguration WithTraceContext(this LoggerEnrichmentConfiguration enrichmentConfiguration, Action<TraceContextOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(enrichmentConfiguration);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TraceContextOptions();
        configure(options);
        return enrichmentConfiguration.With(new TraceContextEnricher(TraceFieldSet.Create(options.Clone())));
    }

    /// <summary>
    /// The form for configuration files (Serilog.Settings.Configuration): every option as a plain value, e.g.
    /// <c>{ "Name": "WithTraceContext", "Args": { "profile": "Datadog", "baggage": [ "tenant.id" ] } }</c>.
    /// </summary>
    /// <param name="enrichmentConfiguration">The logger's enrichment configuration.</param>
    /// <param name="profile">The naming profile: <c>OpenTelemetry</c> (default), <c>Serilog</c>, <c>ElasticCommonSchema</c> or <c>Datadog</c> (any case).</param>
    /// <param name="fields">Comma-separated span fields, e.g. <c>TraceId,SpanId,ParentSpanId,TraceFlags,TraceState</c>; the profile's default when empty.</param>
    /// <param name="baggage">
    /// Baggage keys to write: a list, each <c>key</c> or <c>key=fieldName</c> (<c>[ "tenant.id", "user.id=user" ]</c>), or,
    /// as in the Microsoft.Extensions.Logging section, an object of key to field name (<c>{ "tenant.id": "tenant" }</c>;
    /// an empty name means the key). Configuration hands a list over as an object keyed 0, 1, 2...: one whose keys are all
    /// so numbered is read as a list.
    /// </param>
    /// <param name="resource">Resource attributes to write, e.g. <c>service.name</c>: a list of <c>attribute</c> or <c>attribute=fieldName</c>, or an object of attribute to field name (an empty name means the profile's), read as <paramref name="baggage"/>.</param>
    /// <param name="names">Field names replacing the profile's, keyed by span field, e.g. <c>{ "TraceId": "traceId" }</c>.</param>
    /// <param name="writeEmpty">Write fields without a value as empty strings instead of leaving them out.</param>
    /// <returns>The logger configuration, to chain further calls.</returns>
    /// <exception cref="ArgumentException">A value is not one of those described here; the message says which and what is accepted.</exception>
    public static LoggerConfiguration WithTraceContext(
        this LoggerEnrichmentConfiguration enrichmentConfiguration,
        string profile = nameof(TraceFieldProfile.OpenTelemetry),
        string? fields = null,
        Dictionary<string, string>? baggage = null,
        Dictionary<string, string>? resource = null,
        Dictionary<string, string>? names = null,
        bool writeEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(enrichmentConfiguration);
        var options = TraceContextSettings.ToOptions(profile, fields, baggage, resource, names, writeEmpty);
        return enrichmentConfiguration.With(new TraceContextEnricher(TraceFieldSet.Create(options)));
    }
}
