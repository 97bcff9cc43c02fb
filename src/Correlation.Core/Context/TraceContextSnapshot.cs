using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// The trace context visible at one moment: the span's ids, flags, tracestate, whether its parent is remote, and the
/// baggage visible from it. Taking a snapshot copies nothing; it reads <see cref="Activity.Current"/> and OpenTelemetry's
/// <c>Baggage.Current</c> once, so a snapshot read later or on another thread still answers for the moment it was taken
/// (the span's own values, such as its baggage and tracestate, are read from the span when asked).
/// </summary>
public readonly struct TraceContextSnapshot
{
    // The activity baggage is looked up from (also a non-W3C one, which is no span), and OpenTelemetry's baggage then.
    private readonly Activity? _activity;
    private readonly OpenTelemetry.Baggage _baggage;

    private TraceContextSnapshot(Activity? activity, OpenTelemetry.Baggage baggage)
    {
        Span = TraceFieldSet.AsSpan(activity);
        _activity = activity;
        _baggage = baggage;
    }

    /// <summary>A snapshot of the current context.</summary>
    public static TraceContextSnapshot Current => new(Activity.Current, OpenTelemetry.Baggage.Current);

    /// <summary>The span this snapshot reads, or <see langword="null"/> outside a span.</summary>
    public Activity? Span { get; }

    /// <summary>Whether a span with a valid W3C context is current.</summary>
    public bool IsValid => Span is not null && Span.TraceId != default && Span.SpanId != default;

    /// <summary>The trace id, or the default (all zero) outside a span.</summary>
    public ActivityTraceId TraceId => Span?.TraceId ?? default;

    /// <summary>The span id, or the default (all zero) outside a span.</summary>
    public ActivitySpanId SpanId => Span?.SpanId ?? default;

    /// <summary>The parent span id; the default (all zero) for a root span or outside a span.</summary>
    public ActivitySpanId ParentSpanId => Span?.ParentSpanId ?? default;

    /// <summary>The W3C trace flags (bit 0 sampled, bit 1 random).</summary>
    public ActivityTraceFlags TraceFlags => Span?.ActivityTraceFlags ?? ActivityTraceFlags.None;

    /// <summary>Whether the sampled flag is set.</summary>
    public bool IsSampled => (TraceFlags & ActivityTraceFlags.Recorded) != 0;

    /// <summary>Whether the W3C Level 2 random flag is set (the trace id's right 56 bits are random).</summary>
    public bool IsRandom => ((int)TraceFlags & 2) != 0;

    /// <summary>The W3C tracestate, or <see langword="null"/>.</summary>
    public string? TraceState => Span?.TraceStateString;

    /// <summary>Whether the span's parent came from another process (extracted from a carrier).</summary>
    public bool HasRemoteParent => Span?.HasRemoteParent ?? false;

    /// <summary>
    /// Creates a snapshot of <paramref name="activity"/> (null, or a non-W3C activity, means outside a span; the baggage
    /// is still read from its chain) with the current OpenTelemetry baggage.
    /// </summary>
    /// <param name="activity">The activity.</param>
    /// <returns>The snapshot.</returns>
    public static TraceContextSnapshot From(Activity? activity) => new(activity, OpenTelemetry.Baggage.Current);

    /// <summary>A baggage item, by the rule of <see cref="TraceBaggage"/>, in the context the snapshot was taken in.</summary>
    /// <param name="key">The baggage key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetBaggageItem(string key) => TraceBaggage.GetItem(_baggage, _activity, key);

    /// <summary>All baggage visible here, merged by the rule of <see cref="TraceBaggage"/>. Allocates.</summary>
    /// <returns>The items.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> GetBaggage() => TraceBaggage.GetAll(_baggage, _activity);
}
