namespace Correlation.Context;

/// <summary>The span fields a log record can carry. Combine with <c>|</c>.</summary>
[Flags]
public enum TraceFields
{
    /// <summary>No span field (baggage and resource fields may still be written).</summary>
    None = 0,

    /// <summary>The trace id: 32 lowercase hex characters (decimal under the Datadog profile).</summary>
    TraceId = 1,

    /// <summary>The span id: 16 lowercase hex characters (decimal under the Datadog profile).</summary>
    SpanId = 2,

    /// <summary>The parent span id; absent for a root span.</summary>
    ParentSpanId = 4,

    /// <summary>The W3C trace flags as two hex characters: <c>01</c> sampled, <c>02</c> random, <c>03</c> both.</summary>
    TraceFlags = 8,

    /// <summary>
    /// The span's W3C tracestate as the span holds it (<c>Activity.TraceStateString</c>, what the OTLP exporter sends with
    /// the span); absent when empty. Propagation may send less: an invalid one not at all, a long one cut to 512 chars.
    /// </summary>
    TraceState = 16,
}
