namespace Correlation.Demo.Terminal;

/// <summary>
/// One log record read back from a logging framework's JSON output. <see cref="TraceId"/> and <see cref="SpanId"/> are
/// the fields Correlation's adapter wrote into the record (null when the record was written outside a span).
/// </summary>
internal sealed record LogLineView(
    string Framework,
    DateTime TimestampUtc,
    string Level,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    string? Tenant);
