namespace Correlation.Context;

/// <summary>The naming convention the correlation fields are written with.</summary>
public enum TraceFieldProfile
{
    /// <summary>OpenTelemetry's log data model: <c>trace_id</c>, <c>span_id</c>, <c>trace_flags</c>, <c>parent_span_id</c>, <c>trace_state</c>.</summary>
    OpenTelemetry = 0,

    /// <summary>Serilog's and .NET's names: <c>TraceId</c>, <c>SpanId</c>, <c>ParentId</c>, <c>TraceFlags</c>, <c>TraceState</c>; includes the parent id by default.</summary>
    Serilog = 1,

    /// <summary>Elastic Common Schema: <c>trace.id</c>, <c>span.id</c>, <c>parent.id</c>, <c>trace.flags</c>, <c>trace.state</c>.</summary>
    ElasticCommonSchema = 2,

    /// <summary>
    /// Datadog: <c>dd.trace_id</c> and <c>dd.span_id</c> (and <c>dd.parent_id</c>) as the lower 64 bits of the ids in
    /// decimal, which is what Datadog's log pipeline joins on; resource fields as <c>dd.service</c>, <c>dd.version</c>, <c>dd.env</c>.
    /// </summary>
    Datadog = 3,
}
