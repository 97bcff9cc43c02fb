namespace Correlation.Context;

/// <summary>Where a <see cref="TraceField"/>'s value comes from.</summary>
public enum TraceFieldKind
{
    /// <summary>The current span's trace id.</summary>
    TraceId = 0,

    /// <summary>The current span's span id.</summary>
    SpanId = 1,

    /// <summary>The current span's parent span id.</summary>
    ParentSpanId = 2,

    /// <summary>The current span's W3C trace flags.</summary>
    TraceFlags = 3,

    /// <summary>The current span's W3C tracestate.</summary>
    TraceState = 4,

    /// <summary>A baggage item of the current context (see <see cref="TraceBaggage"/>).</summary>
    Baggage = 5,

    /// <summary>An attribute of the resource (service name, version, environment, ...).</summary>
    Resource = 6,
}
