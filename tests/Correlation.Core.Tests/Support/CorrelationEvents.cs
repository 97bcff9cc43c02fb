using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Correlation.Core.Tests.Support;

/// <summary>Collects what the library reports on its self-diagnostics EventSource.</summary>
internal sealed class CorrelationEvents : EventListener
{
    private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

    public IReadOnlyList<EventWrittenEventArgs> Events => _events.ToArray();

    public IEnumerable<string> Messages => Events.Select(e => e.EventName + ": " + string.Join(" | ", e.Payload ?? []));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Correlation")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData) => _events.Enqueue(eventData);
}
