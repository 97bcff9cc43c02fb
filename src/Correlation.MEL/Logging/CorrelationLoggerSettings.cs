using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Correlation.Context;

namespace Correlation.Logging;

/// <summary>The compiled, immutable form of <see cref="TraceCorrelationLoggerOptions"/> one logger factory uses.</summary>
internal sealed class CorrelationLoggerSettings
{
    /// <summary>The meter whose <c>correlation.logs.dropped</c> counter counts dropped records.</summary>
    internal const string MeterName = "Correlation.MEL";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>(
        "correlation.logs.dropped", unit: "{record}", description: "Log records dropped because their trace was not sampled.");

    private const string OriginalFormatKey = "{OriginalFormat}";

    // Bounds the shapes table: formatters are static delegates in practice, but one built per call must not grow it.
    private const int MaxShapes = 1024;

    private readonly ConcurrentDictionary<ShapeKey, object> _shapes = new();
    private long _dropped;

    public CorrelationLoggerSettings(TraceCorrelationLoggerOptions options)
    {
        FieldSet = TraceFieldSet.Create(options.Context.Clone());
        var fields = FieldSet.Fields;
        if (fields.Count > 64)
        {
            throw new ArgumentException($"At most 64 correlation fields are supported; {fields.Count} are configured.", nameof(options));
        }

        Names = new string[fields.Count];
        var all = new int[fields.Count];
        var fromSpan = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            // MEL's key for the message template: a field of that name would put a second one in the record.
            if (string.Equals(fields[i].Name, OriginalFormatKey, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A correlation field cannot be named '{OriginalFormatKey}' (the message template's key).", nameof(options));
            }

            Names[i] = fields[i].Name;
            all[i] = i;

            // A span's ids are always present and fixed for its life: read when a provider asks, not copied per record.
            // Only a leading run, so that the record's entries stay in field order (span ids come first).
            if (fromSpan == i && fields[i].Kind is TraceFieldKind.TraceId or TraceFieldKind.SpanId)
            {
                fromSpan++;
            }
        }

        FieldMask = fields.Count == 64 ? ulong.MaxValue : (1UL << fields.Count) - 1;
        WithSpan = new FieldLayout(all[..fromSpan], all[fromSpan..], Names);
        WithoutSpan = new FieldLayout([], all, Names);
        DropUnsampledTraces = options.DropUnsampledTraces;
    }

    public TraceFieldSet FieldSet { get; }

    /// <summary>The field names, by field index.</summary>
    public string[] Names { get; }

    /// <summary>One bit per field.</summary>
    public ulong FieldMask { get; }

    /// <summary>Where values come from for a record written inside a span.</summary>
    public FieldLayout WithSpan { get; }

    /// <summary>Where values come from for a record written outside any span (every field is copied).</summary>
    public FieldLayout WithoutSpan { get; }

    /// <summary>Whether a record outside any span can still get a field (baggage, resource, or empty values).</summary>
    public bool HasFieldsOutsideSpan => FieldSet.HasValuesOutsideSpan;

    public bool DropUnsampledTraces { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The <see cref="LogStateShape{TState}"/> of these settings for a state type, formatter and layout, or <see langword="null"/>.</summary>
    public object? FindShape(Type stateType, Delegate formatter, bool withSpan)
        => _shapes.TryGetValue(new ShapeKey(stateType, formatter, withSpan), out var shape) ? shape : null;

    /// <summary>Adds a shape unless one is there (returned instead); <see langword="null"/> when the table is full.</summary>
    public object? TryAddShape(Type stateType, Delegate formatter, bool withSpan, object shape)
        => _shapes.Count < MaxShapes ? _shapes.GetOrAdd(new ShapeKey(stateType, formatter, withSpan), shape) : null;

    public void CountDropped()
    {
        Interlocked.Increment(ref _dropped);
        s_dropped.Add(1);
    }

    /// <summary>
    /// A state type, a formatter (by reference) and a layout. The state type is part of it because delegates are
    /// contravariant: one <c>Func&lt;object, Exception?, string&gt;</c> can be passed for several state types.
    /// </summary>
    private readonly struct ShapeKey(Type stateType, Delegate formatter, bool withSpan) : IEquatable<ShapeKey>
    {
        private readonly Type _stateType = stateType;
        private readonly Delegate _formatter = formatter;
        private readonly bool _withSpan = withSpan;

        public bool Equals(ShapeKey other)
            => ReferenceEquals(_formatter, other._formatter) && ReferenceEquals(_stateType, other._stateType) && _withSpan == other._withSpan;

        public override bool Equals(object? obj) => obj is ShapeKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_formatter), _stateType, _withSpan);
    }
}
