using System.Collections.Concurrent;
using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.Serilog.Tests.Support;

/// <summary>Keeps every event, with the span and thread current when the sink received it.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<Received> _events = new();

    public IReadOnlyList<Received> Received => _events.ToArray();

    public IReadOnlyList<LogEvent> Events => _events.Select(r => r.Event).ToArray();

    public LogEvent Single => Assert.Single(_events).Event;

    public void Emit(LogEvent logEvent) => _events.Enqueue(new Received(logEvent, Activity.Current, Environment.CurrentManagedThreadId));
}

internal sealed record Received(LogEvent Event, Activity? WriterSpan, int WriterThread);
