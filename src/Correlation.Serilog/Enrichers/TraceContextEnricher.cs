using System.Diagnostics;
using System.Runtime.CompilerServices;
using Correlation.Context;
using Correlation.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.Serilog.Enrichers;

/// <summary>
/// Adds the correlation fields of the span current when the event is created. Core's <see cref="TraceFieldSet"/>
/// decides names and values; this type only turns them into <see cref="LogEventProperty"/> objects and caches those:
/// per span for the fields fixed for a span's life (ids), per value for the rest (flags, tracestate, baggage,
/// resource), so a steady-state event allocates nothing here.
/// </summary>
internal sealed class TraceContextEnricher : ILogEventEnricher
{
    private const string Component = "Correlation.Serilog.TraceContextEnricher";

    private static int s_lastId;

    // The last span entry this thread used, keyed by the id strings Serilog captured with the event (see Enrich).
    [ThreadStatic]
    private static LastSpan? t_last;

    private readonly TraceFieldSet _fieldSet;
    private readonly string[] _names;
    private readonly bool[] _fixedPerSpan;
    private readonly bool[] _isResource;
    private readonly LogEventProperty[] _emptyProperties;
    private readonly SpanValueCache<SpanEntry> _spans;

    // Only hex trace and span ids (the default): fields that are a function of the two id strings alone.
    private readonly bool _hexIdsOnly;

    // Identifies this enricher in the per-thread memo without holding it there.
    private readonly int _id = Interlocked.Increment(ref s_lastId);

    // Memos for values that do not depend on a span entry: resource fields, and every field outside a span.
    private readonly PropertyMemo?[] _sharedMemos;

    public TraceContextEnricher(TraceFieldSet fieldSet)
    {
        ArgumentNullException.ThrowIfNull(fieldSet);
        _fieldSet = fieldSet;
        var fields = fieldSet.Fields;
        _names = new string[fields.Count];
        _fixedPerSpan = new bool[fields.Count];
        _isResource = new bool[fields.Count];
        _emptyProperties = new LogEventProperty[fields.Count];
        _sharedMemos = new PropertyMemo?[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            if (!LogEventProperty.IsValidName(fields[i].Name))
            {
                throw new ArgumentException($"'{fields[i].Name}' is not a valid Serilog property name.", nameof(fieldSet));
            }

            _names[i] = fields[i].Name;
            _fixedPerSpan[i] = fields[i].IsFixedPerSpan;
            _isResource[i] = fields[i].Kind == TraceFieldKind.Resource;
            _emptyProperties[i] = new LogEventProperty(fields[i].Name, new ScalarValue(string.Empty));
        }

        _hexIdsOnly = !fieldSet.HasValuesOutsideSpan;
        foreach (var field in fields)
        {
            _hexIdsOnly &= field.Kind is TraceFieldKind.TraceId or TraceFieldKind.SpanId && !field.IsDecimal;
        }

        // One cache per enricher: two loggers with different options never share an entry (Serilog.Enrichers.Span#317).
        _spans = new SpanValueCache<SpanEntry>(CreateEntry);
    }

    /// <summary>The compiled fields this enricher writes.</summary>
    public TraceFieldSet FieldSet => _fieldSet;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        try
        {
            if (_hexIdsOnly)
            {
                // Serilog has already read Activity.Current for this event: LogEvent.TraceId/SpanId are the ids of the
                // span current when the event was created, held as the Activity's own strings. They are all these
                // fields need, so they are used as they are (also when the event is enriched on another thread, e.g.
                // by a sub-logger behind an async sink) and, in steady state, without a second Activity.Current read.
                // An event without a valid pair of ids (EntryFor gives null for all-zero ones) goes the cold way.
                SpanEntry? known;
                if (logEvent.TraceId is { } traceId && logEvent.SpanId is { } spanId)
                {
                    var traceIdHex = traceId.ToHexString();
                    var spanIdHex = spanId.ToHexString();
                    known = LastEntry(traceIdHex, spanIdHex) ?? EntryFor(traceIdHex, spanIdHex) ?? EntryOfEvent(logEvent);
                }
                else
                {
                    known = EntryOfEvent(logEvent);
                }

                if (known is not null)
                {
                    // An entry for a trace id alone has no span id property.
                    var properties = known.Fixed;
                    for (var i = 0; i < properties.Length; i++)
                    {
                        if (properties[i] is { } property)
                        {
                            logEvent.AddPropertyIfAbsent(property);
                        }
                    }
                }

                return;
            }

            var span = TraceFieldSet.CurrentSpan();
            var entry = span is not null && logEvent.SpanId == span.SpanId && logEvent.TraceId == span.TraceId
                ? _spans.Get(span)
                : EntryOfEvent(logEvent, ref span);
            if (entry is null && span is null && !_fieldSet.HasValuesOutsideSpan)
            {
                return;
            }
            for (var i = 0; i < _names.Length; i++)
            {
                var property = entry is not null && _fixedPerSpan[i]
                    ? entry.Fixed[i]
                    : GetVariable(span, entry, i);
                if (property is not null)
                {
                    logEvent.AddPropertyIfAbsent(property);
                }
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component, ex);
        }
    }

    /// <summary>
    /// The properties for these id strings (<paramref name="spanId"/> <see langword="null"/>: a trace id alone): this
    /// thread's last entry when it matches, else built or cached; <see langword="null"/> when an id is all zeros,
    /// which is no valid id.
    /// </summary>
    private SpanEntry? EntryFor(string traceId, string? spanId)
    {
        if (LastEntry(traceId, spanId) is { } entry)
        {
            return entry;
        }

        var last = t_last ??= new LastSpan();

        // Only valid ids are remembered, so they are checked here, once per span and thread, not per event. Serilog
        // turns default(ActivityTraceId) into "no id", but ids made from zero bytes reach here as "000...0"; an
        // all-zero trace or span id is invalid (https://www.w3.org/TR/trace-context-2/#trace-id).
        if (IsAllZeros(traceId) || (spanId is not null && IsAllZeros(spanId)))
        {
            return null;
        }

        // Usually the event's span is the current one: its entry is cached per span. An event created in another span
        // gets an entry built from its own ids (the same values, one allocation when this thread's span changes).
        var current = TraceFieldSet.CurrentSpan();
        entry = spanId is not null && current is not null && ReferenceEquals(current.SpanId.ToHexString(), spanId) && ReferenceEquals(current.TraceId.ToHexString(), traceId)
            ? _spans.Get(current)
            : CreateEntry(traceId, spanId);
        last.EnricherId = _id;
        last.SpanId = spanId;
        last.TraceId = traceId;
        last.Entry = entry;
        return entry;
    }

    /// <summary>This thread's last entry when it is this enricher's for these id strings (inlined: the steady state makes no call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SpanEntry? LastEntry(string traceId, string? spanId)
        => t_last is { } last && last.EnricherId == _id && ReferenceEquals(last.SpanId, spanId) && ReferenceEquals(last.TraceId, traceId) ? last.Entry : null;

    private static bool IsAllZeros(string hexId) => !hexId.AsSpan().ContainsAnyExcept('0');

    private static string? ValidId(string? hexId) => hexId is null || IsAllZeros(hexId) ? null : hexId;

    /// <summary><see cref="EntryOfEvent(LogEvent, ref Activity?)"/> for the default fields, which need no span after it.</summary>
    private SpanEntry? EntryOfEvent(LogEvent logEvent)
    {
        var span = TraceFieldSet.CurrentSpan();
        return EntryOfEvent(logEvent, ref span);
    }

    /// <summary>
    /// The entry of an event not known to be created in <paramref name="span"/>, the span current here. An event with
    /// no valid id (created outside any span, built without ids or with all-zero ones) gets the current span's, if
    /// any. Otherwise the event came from another span: it gets its own valid ids and nothing else of a span, so
    /// <paramref name="span"/> is set to <see langword="null"/> (its parent, flags and tracestate are not the event's).
    /// A trace id alone is written without a span id; a span id alone is not written, since it means nothing
    /// without its trace (the OpenTelemetry log data model wants a span id only with a trace id).
    /// </summary>
    private SpanEntry? EntryOfEvent(LogEvent logEvent, ref Activity? span)
    {
        var traceId = ValidId(logEvent.TraceId?.ToHexString());
        var spanId = ValidId(logEvent.SpanId?.ToHexString());
        if (traceId is null && spanId is null)
        {
            return span is null ? null : _spans.Get(span);
        }

        span = null;
        return traceId is null ? null : EntryFor(traceId, spanId);
    }

    /// <summary>
    /// The entry of a span known only by the ids an event carries: its id fields (hex or decimal) from those ids, its
    /// parent id (and span id, when the event has none) missing (left out, or empty when asked); the other fields are
    /// read per event like any span's.
    /// </summary>
    private SpanEntry CreateEntry(string traceId, string? spanId)
    {
        var entry = new SpanEntry(_names.Length);
        for (var i = 0; i < _names.Length; i++)
        {
            var field = _fieldSet.Fields[i];
            var value = field.Kind switch
            {
                TraceFieldKind.TraceId => traceId,
                TraceFieldKind.SpanId => spanId,
                _ => null,
            };
            if (value is not null)
            {
                entry.Fixed[i] = new LogEventProperty(_names[i], new ScalarValue(field.IsDecimal ? IdFormatting.ToDecimalLower64(value) : value));
            }
            else if (_fixedPerSpan[i] && _fieldSet.WriteEmptyWhenMissing)
            {
                entry.Fixed[i] = _emptyProperties[i];
            }
        }

        return entry;
    }

    private LogEventProperty? GetVariable(Activity? span, SpanEntry? entry, int index)
    {
        var value = _fieldSet.GetValue(span, index);
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0)
        {
            return _emptyProperties[index];
        }

        var memos = entry is null || _isResource[index] ? _sharedMemos : entry.Memos;

        // Same string instance as last time (the flag constants, the Activity's tracestate, a baggage value, the
        // resource's cached text): reuse the property built for it. The memo is an immutable pair swapped whole, so a
        // racing thread sees either the old or the new pair, never a mix.
        var memo = Volatile.Read(ref memos[index]);
        if (memo is not null && ReferenceEquals(memo.Value, value))
        {
            return memo.Property;
        }

        var property = new LogEventProperty(_names[index], new ScalarValue(value));
        Volatile.Write(ref memos[index], new PropertyMemo(value, property));
        return property;
    }

    private SpanEntry CreateEntry(Activity span)
    {
        var entry = new SpanEntry(_names.Length);
        for (var i = 0; i < _names.Length; i++)
        {
            if (!_fixedPerSpan[i])
            {
                continue;
            }

            try
            {
                var value = _fieldSet.GetValue(span, i);
                entry.Fixed[i] = value is null ? null
                    : value.Length == 0 ? _emptyProperties[i]
                    : new LogEventProperty(_names[i], new ScalarValue(value));
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(Component, ex);
            }
        }

        return entry;
    }

    /// <summary>What is cached for one span: the properties of fixed fields and the memos of the others.</summary>
    private sealed class SpanEntry
    {
        public SpanEntry(int count)
        {
            Fixed = new LogEventProperty?[count];
            Memos = new PropertyMemo?[count];
        }

        public LogEventProperty?[] Fixed { get; }

        public PropertyMemo?[] Memos { get; }
    }

    /// <summary>
    /// A thread's last span entry with the id strings it was built for. Holds strings and properties, not the span
    /// (the Activity is never kept alive by it); mutated only by its own thread.
    /// </summary>
    private sealed class LastSpan
    {
        public int EnricherId { get; set; }

        public string? SpanId { get; set; }

        public string? TraceId { get; set; }

        public SpanEntry? Entry { get; set; }
    }

    /// <summary>The last value string of a field and the property built for it.</summary>
    private sealed class PropertyMemo
    {
        public PropertyMemo(string value, LogEventProperty property)
        {
            Value = value;
            Property = property;
        }

        public string Value { get; }

        public LogEventProperty Property { get; }
    }
}
