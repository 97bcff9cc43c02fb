using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// The trace context visible at one moment: the span's ids, flags, tracestate, whether its parent is remote, and the
/// baggage visible from it. Taking a snapshot copies nothing; it reads <see cref="Activity.Current"/> once.
/// </summary>
public readonly struct TraceContextSnapshot
{
    private TraceContextSnapshot(Activity? span) => Span = span;

    /// <summary>A snapshot of the current context.</summary>
    public static TraceContextSnapshot Current => new(TraceFieldSet.CurrentSpan());

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

    /// <summary>Creates a snapshot of <paramref name="activity"/> (null, or a non-W3C activity, means outside a span).</summary>
    /// <param name="activity">The activity.</param>
    /// <returns>The snapshot.</returns>
    public static TraceContextSnapshot From(Activity? activity) => new(TraceFieldSet.AsSpan(activity));

    /// <summary>A baggage item, by the rule of <see cref="TraceBaggage"/>.</summary>
    /// <param name="key">The baggage key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetBaggageItem(string key) => TraceBaggage.GetItem(Span ?? Activity.Current, key);

    /// <summary>All baggage visible here, merged by the rule of <see cref="TraceBaggage"/>. Allocates.</summary>
    /// <returns>The items.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> GetBaggage() => TraceBaggage.GetAll(Span ?? Activity.Current);
}
