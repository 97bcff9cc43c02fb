namespace Correlation.Demo.Logging;

/// <summary>The names of the fields Correlation's adapters write (OpenTelemetry profile) that the demo reads back.</summary>
internal static class DemoFields
{
    /// <summary>The trace id field.</summary>
    public const string TraceId = "trace_id";

    /// <summary>The span id field.</summary>
    public const string SpanId = "span_id";

    /// <summary>The baggage key set at the edge and written by every adapter.</summary>
    public const string Tenant = "tenant.id";
}
