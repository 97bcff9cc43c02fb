namespace Correlation.Demo.Logging;

/// <summary>
/// One record as a framework's JSON formatter wrote it, with the ids of the span that was current on the logging
/// thread when it was written (for the tests to check the adapter's fields against; the view never uses them).
/// </summary>
internal sealed record CapturedLogLine(string Framework, string Json, string? CurrentTraceId = null, string? CurrentSpanId = null);
