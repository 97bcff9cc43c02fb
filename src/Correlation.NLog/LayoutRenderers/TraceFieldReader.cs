using System.Globalization;
using System.Runtime.CompilerServices;
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
    // Datadog ids are decimals computed once per span and cached by the field set: one set shared by every renderer,
    // so ${trace-id}, ${span-id} and ${parent-span-id} with format=datadog convert a span's ids once, not once each.
    private static readonly Lazy<TraceFieldSet> s_datadogIds = new(() => TraceFieldSet.Create(new TraceContextOptions
    {
        Profile = TraceFieldProfile.Datadog,
        Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId,
    }));

    private readonly TraceFieldSet _fields;
    private readonly int _index;

    // A hex trace or span id (the default ${trace-id} and ${span-id}) is the string the Activity already holds: read
    // straight from it, without the field set's general path (measured: ~7 ns of a two-renderer layout's ~30). Read
    // inlines into the renderer, so the two ids cost what a bare
    // Activity.Current?.TraceId.ToHexString() renderer costs (a switch over a nullable kind and a call measured
    // 0.05-0.16x of the baseline more, 2026-12-02).
    private readonly HexId _hexId;

    private TraceFieldReader(TraceFieldSet fields, int index = 0)
    {
        _fields = fields;
        _index = index;
        var field = fields.Fields[index];
        if (!field.IsDecimal && field.Kind is TraceFieldKind.TraceId or TraceFieldKind.SpanId && !fields.HasValuesOutsideSpan)
        {
            _hexId = field.Kind == TraceFieldKind.TraceId ? HexId.TraceId : HexId.SpanId;
        }
    }

    private TraceFieldReader(TraceContextOptions options)
        : this(TraceFieldSet.Create(options))
    {
    }

    /// <summary>A span field (ids, flags, tracestate) in the given id format.</summary>
    public static TraceFieldReader ForSpan(TraceFields field, TraceIdFormat format)
    {
        if (format == TraceIdFormat.Datadog && field is TraceFields.TraceId or TraceFields.SpanId or TraceFields.ParentSpanId)
        {
            var kind = field switch
            {
                TraceFields.TraceId => TraceFieldKind.TraceId,
                TraceFields.SpanId => TraceFieldKind.SpanId,
                _ => TraceFieldKind.ParentSpanId,
            };
            var shared = s_datadogIds.Value;
            for (var i = 0; i < shared.Fields.Count; i++)
            {
                if (shared.Fields[i].Kind == kind)
                {
                    return new TraceFieldReader(shared, i);
                }
            }
        }

        return new TraceFieldReader(new TraceContextOptions
        {
            Profile = format == TraceIdFormat.Datadog ? TraceFieldProfile.Datadog : TraceFieldProfile.OpenTelemetry,
            Fields = field,
        });
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public string? Read()
    {
        if (_hexId == HexId.None)
        {
            return _fields.GetValue(TraceFieldSet.CurrentSpan(), _index);
        }

        var span = TraceFieldSet.CurrentSpan();
        if (span is null)
        {
            return null;
        }

        return _hexId == HexId.TraceId ? span.TraceId.ToHexString() : span.SpanId.ToHexString();
    }

    /// <summary>
    /// The <c>format</c> option's value when it names a format; else a configuration error. Checked when NLog assigns
    /// the option, so that a number naming no format (<c>format=5</c>, which NLog's enum parsing accepts) is reported
    /// the way NLog reports a word naming none (<c>format=bogus</c>): thrown at load with <c>throwConfigExceptions</c>,
    /// else the target keeps its default layout.
    /// </summary>
    public static TraceIdFormat CheckFormat(string renderer, TraceIdFormat format)
        => Enum.IsDefined(format)
            ? format
            : throw ConfigurationError(renderer, "format", ((int)format).ToString(CultureInfo.InvariantCulture), "expected hex or datadog");

    /// <summary>
    /// Reports a bad option both to Correlation's event source and, by the exception, to NLog, which reports it the way
    /// it reports every configuration error (thrown when ThrowConfigExceptions is on, else written to its InternalLogger).
    /// </summary>
    public static NLogConfigurationException ConfigurationError(string renderer, string option, string value, string reason)
    {
        CorrelationEventSource.Log.InvalidConfiguration("${" + renderer + ":" + option + "}", value, reason);
        return new NLogConfigurationException($"${{{renderer}}}: invalid {option} '{value}': {reason}.");
    }

    // Trimmed, as the Serilog and MEL configuration readers trim theirs: NLog hands the text over as written, and a key
    // with spaces around it matches nothing (a baggage key is a token, https://www.w3.org/TR/baggage/#key).
    private static string RequireItem(string renderer, string? key)
        => string.IsNullOrWhiteSpace(key)
            ? throw ConfigurationError(renderer, "item", key ?? string.Empty, "an item is required, e.g. ${" + renderer + ":item=KEY}")
            : key.Trim();

    private enum HexId : byte
    {
        None,
        TraceId,
        SpanId,
    }
}
