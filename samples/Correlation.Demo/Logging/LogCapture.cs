using System.Collections.Concurrent;
using System.Diagnostics;

namespace Correlation.Demo.Logging;

/// <summary>The JSON lines each logging framework wrote, in the order they arrived, tagged with the framework's name.</summary>
internal sealed class LogCapture
{
    private readonly ConcurrentQueue<CapturedLogLine> _lines = new();

    /// <summary>Adds one JSON line.</summary>
    /// <param name="framework">"serilog", "nlog" or "mel".</param>
    /// <param name="json">The record as the framework's JSON formatter wrote it.</param>
    public void Add(string framework, string json)
    {
        // Every capture target writes synchronously on the logging thread, so Activity.Current is the span that logged.
        var current = Activity.Current;
        _lines.Enqueue(new CapturedLogLine(framework, json.TrimEnd(), current?.TraceId.ToHexString(), current?.SpanId.ToHexString()));
    }

    /// <summary>Everything captured so far.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<CapturedLogLine> Snapshot() => [.. _lines];
}
