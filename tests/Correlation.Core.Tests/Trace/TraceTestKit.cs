using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using Correlation.Trace.Exporting;

namespace Correlation.Core.Tests.Trace;

/// <summary>Shared pieces of the SDK tests: unique sources, captured self-diagnostics, scripted exporters.</summary>
internal static class TraceTestKit
{
    public static string UniqueSourceName(string prefix = "Test") => prefix + "." + Guid.NewGuid().ToString("N");

    public static Activity NewRecordedSpan(string name = "span")
    {
        var span = new Activity(name);
        span.SetIdFormat(ActivityIdFormat.W3C);
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        span.Start();
        span.Stop();
        return span;
    }

    public static bool WaitUntil(Func<bool> condition, int timeoutMilliseconds = 10000)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.ElapsedMilliseconds > timeoutMilliseconds)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }
}

/// <summary>Collects the events of the library's EventSource (all tests share it, so assert on specific payloads).</summary>
internal sealed class DiagnosticsCapture : EventListener
{
    private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

    public IReadOnlyList<EventWrittenEventArgs> Events => _events.ToArray();

    public bool Has(string eventName, params string[] payloadParts)
    {
        foreach (var e in _events)
        {
            if (e.EventName != eventName || e.Payload is null)
            {
                continue;
            }

            var text = string.Join("|", e.Payload.Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture)));
            if (payloadParts.All(part => text.Contains(part, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Correlation")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData) => _events.Enqueue(eventData);
}

/// <summary>An exporter whose behaviour each test scripts; it records batches and detects overlapping exports.</summary>
internal sealed class ScriptedExporter : SpanExporter
{
    private int _inExport;

    public ConcurrentQueue<int> BatchSizes { get; } = new();

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public int Overlaps;

    public int FlushCount;

    public int Entered;

    public int ShutdownCount;

    public Func<ReadOnlySpan<Activity>, ExportResult>? OnExport { get; set; }

    public ManualResetEventSlim? Gate { get; set; }

    public override ExportResult Export(ReadOnlySpan<Activity> batch)
    {
        if (Interlocked.Increment(ref _inExport) != 1)
        {
            Interlocked.Increment(ref Overlaps);
        }

        Interlocked.Increment(ref Entered);
        try
        {
            Gate?.Wait();
            BatchSizes.Enqueue(batch.Length);
            foreach (var span in batch)
            {
                Spans.Enqueue(span);
            }

            return OnExport?.Invoke(batch) ?? ExportResult.Success;
        }
        finally
        {
            Interlocked.Decrement(ref _inExport);
        }
    }

    public ManualResetEventSlim? FlushGate { get; set; }

    public override bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite)
    {
        FlushGate?.Wait();
        Interlocked.Increment(ref FlushCount);
        return true;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        Interlocked.Increment(ref ShutdownCount);
        return true;
    }

    public int DisposeCount;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Increment(ref DisposeCount);
        }

        base.Dispose(disposing);
    }
}
