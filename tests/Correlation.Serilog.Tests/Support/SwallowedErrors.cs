using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Correlation.Serilog.Tests.Support;

/// <summary>
/// The errors the library reported as swallowed (<c>ErrorSwallowed</c> on the <c>Correlation</c> EventSource), with
/// the managed thread that reported them: EventSource calls in-process listeners on the writer's thread, so a
/// synchronous test can look at its own errors while other tests run.
/// </summary>
internal sealed class SwallowedErrors : EventListener
{
    private readonly ConcurrentQueue<(int Thread, string Error)> _errors = new();

    public IReadOnlyList<string> OnThisThread
    {
        get
        {
            var thread = Environment.CurrentManagedThreadId;
            return _errors.Where(e => e.Thread == thread).Select(e => e.Error).ToArray();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Correlation")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == "ErrorSwallowed" && eventData.Payload is { Count: > 0 } payload)
        {
            _errors.Enqueue((Environment.CurrentManagedThreadId, string.Join(" ", payload)));
        }
    }
}
