namespace Correlation.NLog;

/// <summary>How <c>${trace-id}</c>, <c>${span-id}</c> and <c>${parent-span-id}</c> write an id (their <c>format</c> option).</summary>
public enum TraceIdFormat
{
    /// <summary>Lowercase hex, as W3C Trace Context and OpenTelemetry write it: 32 characters for a trace id, 16 for a span id (default).</summary>
    Hex = 0,

    /// <summary>The decimal of the id's lower 64 bits, which is what Datadog's log pipeline joins on (<c>dd.trace_id</c>, <c>dd.span_id</c>).</summary>
    Datadog = 1,
}
