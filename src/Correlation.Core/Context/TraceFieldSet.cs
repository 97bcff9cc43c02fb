using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Correlation.Trace;

namespace Correlation.Context;

/// <summary>
/// A compiled, immutable list of correlation fields: the profile, names, baggage allow-list and resource fields of a
/// <see cref="TraceContextOptions"/> are decided here once, so that per log event only values are looked up.
/// Each instance has its own per-span cache; two adapters with different options never share an entry.
/// </summary>
public sealed class TraceFieldSet
{
    private static readonly string[] s_flags = ["00", "01", "02", "03"];

    private readonly TraceField[] _fields;
    private readonly Resource? _resource;
    private readonly SpanValueCache<DecimalIds>? _decimals;
    private volatile ResourceValues? _resourceValues;

    private TraceFieldSet(TraceField[] fields, MissingFieldBehavior missing, Resource? resource)
    {
        _fields = fields;
        _resource = resource;
        WriteEmptyWhenMissing = missing == MissingFieldBehavior.WriteEmpty;
        HasValuesOutsideSpan = WriteEmptyWhenMissing && fields.Length > 0;
        foreach (var field in fields)
        {
            if (field.IsDecimal)
            {
                _decimals ??= new SpanValueCache<DecimalIds>(static activity => new DecimalIds(activity));
            }

            if (field.Kind is TraceFieldKind.Baggage or TraceFieldKind.Resource)
            {
                HasValuesOutsideSpan = true;
            }
        }
    }

    /// <summary>The fields, in the order they are written: span fields, then baggage, then resource.</summary>
    public IReadOnlyList<TraceField> Fields => _fields;

    /// <summary>Whether fields without a value are written empty (<see cref="MissingFieldBehavior.WriteEmpty"/>) rather than left out.</summary>
    public bool WriteEmptyWhenMissing { get; }

    /// <summary>
    /// Whether any field can have a value outside a span (baggage, resource, or every field written empty): when not,
    /// an adapter can skip the fields of a record written outside any span without reading them.
    /// </summary>
    internal bool HasValuesOutsideSpan { get; }

    /// <summary>
    /// Compiles options into a field set. This is configuration code: it throws on invalid options
    /// (an empty or duplicate field name, a <see cref="TraceContextOptions.Names"/> key that is not one span field, an
    /// undefined profile or missing-field behaviour).
    /// </summary>
    /// <param name="options">The options; they are read now and not kept.</param>
    /// <returns>The compiled field set.</returns>
    public static TraceFieldSet Create(TraceContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Profile))
        {
            throw new ArgumentException($"Unknown profile '{options.Profile}'.", nameof(options));
        }

        if (!Enum.IsDefined(options.MissingFields))
        {
            throw new ArgumentException($"Unknown missing-field behaviour '{options.MissingFields}'.", nameof(options));
        }

        foreach (var key in options.Names.Keys)
        {
            // A key that is no single span field would name nothing: the record would keep the profile's name.
            if (!TraceContextOptionsText.IsSingleField(key) || !Enum.IsDefined(key))
            {
                throw new ArgumentException($"'{key}' in Names must be one span field: {TraceContextOptionsText.FieldNames}.", nameof(options));
            }
        }

        var profile = options.Profile;
        var fields = options.Fields ?? (profile == TraceFieldProfile.Serilog
            ? TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId
            : TraceFields.TraceId | TraceFields.SpanId);
        var isDecimal = profile == TraceFieldProfile.Datadog;

        var list = new List<TraceField>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, TraceFieldKind kind, string? key, bool dec)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"The field for {kind} {key} has an empty name.", nameof(options));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"Two correlation fields are named '{name}'.", nameof(options));
            }

            list.Add(new TraceField(name, kind, key, dec));
        }

        foreach (var (flag, kind) in SpanFieldOrder)
        {
            if ((fields & flag) != 0)
            {
                var name = options.Names.TryGetValue(flag, out var custom) ? custom : DefaultName(profile, flag);
                Add(name, kind, null, isDecimal && kind != TraceFieldKind.TraceFlags && kind != TraceFieldKind.TraceState);
            }
        }

        foreach (var pair in options.Baggage)
        {
            Add(string.IsNullOrEmpty(pair.Value) ? pair.Key : pair.Value, TraceFieldKind.Baggage, pair.Key, false);
        }

        foreach (var pair in options.ResourceFields)
        {
            Add(string.IsNullOrEmpty(pair.Value) ? DefaultResourceName(profile, pair.Key) : pair.Value, TraceFieldKind.Resource, pair.Key, false);
        }

        return new TraceFieldSet(list.ToArray(), options.MissingFields, options.Resource);
    }

    /// <summary>
    /// The span log records should correlate to right now: <see cref="Activity.Current"/> when it has a W3C context
    /// (hierarchical-format activities carry no trace id and are treated as no span), else <see langword="null"/>.
    /// </summary>
    /// <returns>The current span, or <see langword="null"/>.</returns>
    public static Activity? CurrentSpan() => AsSpan(Activity.Current);

    /// <summary>Returns the activity when it has a W3C context, else <see langword="null"/>.</summary>
    /// <param name="activity">An activity, or <see langword="null"/>.</param>
    /// <returns>The activity or <see langword="null"/>.</returns>
    public static Activity? AsSpan(Activity? activity) => activity is { IdFormat: ActivityIdFormat.W3C } ? activity : null;

    /// <summary>
    /// The value of field <paramref name="index"/> for <paramref name="span"/> (from <see cref="CurrentSpan"/>; may be
    /// <see langword="null"/> outside a span): <see langword="null"/> when the field is to be left out, an empty
    /// string when it is to be written empty. Never throws for a valid index (a failure reading the span is reported
    /// and the field left out), never allocates in steady state for span fields.
    /// </summary>
    /// <param name="span">The span, or <see langword="null"/> outside a span.</param>
    /// <param name="index">The index into <see cref="Fields"/>.</param>
    /// <returns>The value, an empty string, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not less than the count of <see cref="Fields"/> (a bug in the caller, like a list index).</exception>
    public string? GetValue(Activity? span, int index)
    {
        if ((uint)index >= (uint)_fields.Length)
        {
            ThrowIndexOutOfRange(index, _fields.Length);
        }

        var field = _fields[index];

        // A hex id is a read of a string the Activity already holds: answered before the guarded general path, which
        // costs more than the read itself (it made ${trace-id} dearer than a naive ToHexString() renderer).
        if (span is not null && !field.IsDecimal)
        {
            switch (field.Kind)
            {
                case TraceFieldKind.TraceId:
                    return span.TraceId.ToHexString();
                case TraceFieldKind.SpanId:
                    return span.SpanId.ToHexString();
            }
        }

        string? value;
        try
        {
            value = Read(span, field, index);
        }
        catch (Exception ex)
        {
            Diagnostics.CorrelationEventSource.Log.Swallowed("TraceFieldSet", ex);
            value = null;
        }

        return value is null && WriteEmptyWhenMissing ? string.Empty : value;
    }

    [DoesNotReturn]
    private static void ThrowIndexOutOfRange(int index, int count)
        => throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be between 0 and {count - 1}, the fields of this set.");

    private string? Read(Activity? span, TraceField field, int index)
    {
        switch (field.Kind)
        {
            case TraceFieldKind.TraceId:
                return span is null ? null : field.IsDecimal ? _decimals!.Get(span).TraceId : span.TraceId.ToHexString();
            case TraceFieldKind.SpanId:
                return span is null ? null : field.IsDecimal ? _decimals!.Get(span).SpanId : span.SpanId.ToHexString();
            case TraceFieldKind.ParentSpanId:
                var parent = span?.ParentSpanId ?? default;
                if (parent == default)
                {
                    return null;
                }

                return field.IsDecimal ? _decimals!.Get(span!).ParentSpanId : parent.ToHexString();
            case TraceFieldKind.TraceFlags:
                return span is null ? null : s_flags[(int)span.ActivityTraceFlags & 3];
            case TraceFieldKind.TraceState:
                var traceState = span?.TraceStateString;
                return string.IsNullOrEmpty(traceState) ? null : traceState;
            case TraceFieldKind.Baggage:
                return TraceBaggage.GetItem(span ?? Activity.Current, field.Key!);
            case TraceFieldKind.Resource:
                return GetResourceValue(index);
            default:
                return null;
        }
    }

    private string? GetResourceValue(int index)
    {
        var resource = _resource ?? ActiveResource.Current;
        var cached = _resourceValues;
        if (cached is null || !ReferenceEquals(cached.Source, resource))
        {
            cached = new ResourceValues(resource, _fields);
            _resourceValues = cached;
        }

        return cached.Get(index);
    }

    private static readonly (TraceFields Flag, TraceFieldKind Kind)[] SpanFieldOrder =
    [
        (TraceFields.TraceId, TraceFieldKind.TraceId),
        (TraceFields.SpanId, TraceFieldKind.SpanId),
        (TraceFields.ParentSpanId, TraceFieldKind.ParentSpanId),
        (TraceFields.TraceFlags, TraceFieldKind.TraceFlags),
        (TraceFields.TraceState, TraceFieldKind.TraceState),
    ];

    private static string DefaultName(TraceFieldProfile profile, TraceFields field) => (profile, field) switch
    {
        (TraceFieldProfile.OpenTelemetry, TraceFields.TraceId) => "trace_id",
        (TraceFieldProfile.OpenTelemetry, TraceFields.SpanId) => "span_id",
        (TraceFieldProfile.OpenTelemetry, TraceFields.ParentSpanId) => "parent_span_id",
        (TraceFieldProfile.OpenTelemetry, TraceFields.TraceFlags) => "trace_flags",
        (TraceFieldProfile.OpenTelemetry, TraceFields.TraceState) => "trace_state",
        (TraceFieldProfile.Serilog, TraceFields.TraceId) => "TraceId",
        (TraceFieldProfile.Serilog, TraceFields.SpanId) => "SpanId",
        (TraceFieldProfile.Serilog, TraceFields.ParentSpanId) => "ParentId",
        (TraceFieldProfile.Serilog, TraceFields.TraceFlags) => "TraceFlags",
        (TraceFieldProfile.Serilog, TraceFields.TraceState) => "TraceState",
        (TraceFieldProfile.ElasticCommonSchema, TraceFields.TraceId) => "trace.id",
        (TraceFieldProfile.ElasticCommonSchema, TraceFields.SpanId) => "span.id",
        (TraceFieldProfile.ElasticCommonSchema, TraceFields.ParentSpanId) => "parent.id",
        (TraceFieldProfile.ElasticCommonSchema, TraceFields.TraceFlags) => "trace.flags",
        (TraceFieldProfile.ElasticCommonSchema, TraceFields.TraceState) => "trace.state",
        (TraceFieldProfile.Datadog, TraceFields.TraceId) => "dd.trace_id",
        (TraceFieldProfile.Datadog, TraceFields.SpanId) => "dd.span_id",
        (TraceFieldProfile.Datadog, TraceFields.ParentSpanId) => "dd.parent_id",
        (TraceFieldProfile.Datadog, TraceFields.TraceFlags) => "dd.trace_flags",
        (TraceFieldProfile.Datadog, TraceFields.TraceState) => "dd.trace_state",
        _ => throw new ArgumentException($"'{field}' is not a single span field."),
    };

    private static string DefaultResourceName(TraceFieldProfile profile, string key) => (profile, key) switch
    {
        (TraceFieldProfile.Datadog, Resource.ServiceNameKey) => "dd.service",
        (TraceFieldProfile.Datadog, Resource.ServiceVersionKey) => "dd.version",
        (TraceFieldProfile.Datadog, Resource.DeploymentEnvironmentKey) => "dd.env",
        (TraceFieldProfile.ElasticCommonSchema, Resource.DeploymentEnvironmentKey) => "service.environment",
        (TraceFieldProfile.Serilog, Resource.ServiceNameKey) => "ServiceName",
        (TraceFieldProfile.Serilog, Resource.ServiceVersionKey) => "ServiceVersion",
        (TraceFieldProfile.Serilog, Resource.DeploymentEnvironmentKey) => "DeploymentEnvironment",
        _ => key,
    };

    /// <summary>The Datadog decimal forms of a span's ids, computed once per span.</summary>
    private sealed class DecimalIds
    {
        public DecimalIds(Activity span)
        {
            TraceId = IdFormatting.ToDecimalLower64(span.TraceId.ToHexString());
            SpanId = IdFormatting.ToDecimalLower64(span.SpanId.ToHexString());
            ParentSpanId = span.ParentSpanId == default ? null : IdFormatting.ToDecimalLower64(span.ParentSpanId.ToHexString());
        }

        public string TraceId { get; }

        public string SpanId { get; }

        public string? ParentSpanId { get; }
    }

    /// <summary>The texts of the configured resource fields, computed once per resource instance, by field index.</summary>
    private sealed class ResourceValues
    {
        private readonly string?[] _values;

        public ResourceValues(Resource source, TraceField[] fields)
        {
            Source = source;
            _values = new string?[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                if (fields[i].Kind == TraceFieldKind.Resource)
                {
                    _values[i] = source.GetString(fields[i].Key!);
                }
            }
        }

        public Resource Source { get; }

        public string? Get(int index) => _values[index];
    }
}
