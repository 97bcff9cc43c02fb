using Correlation.Context;
using Correlation.Diagnostics;
using NLog;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// The one field a correlation layout renderer writes, compiled once into a Core <see cref="TraceFieldSet"/> when NLog
/// initializes the renderer; per event only <see cref="Read"/> runs.
/// </summary>
internal sealed class TraceFieldReader
{
    private readonly TraceFieldSet _fields;

    // A hex id is a field read of the span (Activity caches its hex strings), so it skips the general path, which
    // costs more than the read itself and would make ${trace-id} ${span-id} slower than a naive ToHexString() renderer.
    private readonly TraceFields _hexId;

    private TraceFieldReader(TraceContextOptions options, TraceFields hexId = TraceFields.None)
    {
        _fields = TraceFieldSet.Create(options);
        _hexId = hexId;
    }

    /// <summary>A span field (ids, flags, tracestate) in the given id format.</summary>
    public static TraceFieldReader ForSpan(string renderer, TraceFields field, TraceIdFormat format)
    {
        if (!Enum.IsDefined(format))
        {
            throw ConfigurationError(renderer, "format", format.ToString(), "expected hex or datadog");
        }

        var isHexId = format == TraceIdFormat.Hex && (field is TraceFields.TraceId or TraceFields.SpanId or TraceFields.ParentSpanId);
        return new TraceFieldReader(
            new TraceContextOptions
            {
                Profile = format == TraceIdFormat.Datadog ? TraceFieldProfile.Datadog : TraceFieldProfile.OpenTelemetry,
                Fields = field,
            },
            isHexId ? field : TraceFields.None);
    }

    /// <summary>A baggage item of the current context.</summary>
    public static TraceFieldReader ForBaggage(string renderer, string? key)
    {
        var options = new TraceContextOptions { Fields = TraceFields.None };
        options.IncludeBaggage(RequireItem(renderer, key));
        return new TraceFieldReader(options);
    }

    /// <summary>An attribute of the resource: the running tracer provider's, else the environment's.</summary>
    public static TraceFieldReader ForResource(string renderer, string? key)
    {
        var options = new TraceContextOptions { Fields = TraceFields.None };
        options.IncludeResource(RequireItem(renderer, key));
        return new TraceFieldReader(options);
    }

    /// <summary>The value for the span current on this thread, or <see langword="null"/> when there is none. Never throws.</summary>
    public string? Read()
    {
        var span = TraceFieldSet.CurrentSpan();
        switch (_hexId)
        {
            case TraceFields.TraceId:
                return span?.TraceId.ToHexString();
            case TraceFields.SpanId:
                return span?.SpanId.ToHexString();
            case TraceFields.ParentSpanId:
                return span is null || span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString();
            default:
                return _fields.GetValue(span, 0);
        }
    }

    /// <summary>
    /// Reports a bad option both to Correlation's event source and, by the exception, to NLog, which reports it the way
    /// it reports every configuration error (thrown when ThrowConfigExceptions is on, else written to its InternalLogger).
    /// </summary>
    public static NLogConfigurationException ConfigurationError(string renderer, string option, string value, string reason)
    {
        CorrelationEventSource.Log.InvalidConfiguration("${" + renderer + ":" + option + "}", value, reason);
        return new NLogConfigurationException($"${{{renderer}}}: invalid {option} '{value}': {reason}.");
    }

    private static string RequireItem(string renderer, string? key)
        => string.IsNullOrWhiteSpace(key)
            ? throw ConfigurationError(renderer, "item", key ?? string.Empty, "an item is required, e.g. ${" + renderer + ":item=KEY}")
            : key;
}
