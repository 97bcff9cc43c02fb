using Correlation.Core.Tests.Support;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>SPEC 1-3: what the propagator swallows or drops is reported on the library's EventSource.</summary>
public class PropagationDiagnosticsTests
{
    [Fact]
    public void A_setter_that_throws_is_reported_as_swallowed()
    {
        using var events = new CorrelationEvents();
        var marker = "broken carrier " + Guid.NewGuid().ToString("N");

        CorrelationPropagator.Default.Inject(new PropagatedContext(Headers.Context()), marker, static (m, _, _) => throw new InvalidOperationException(m));

        Assert.Contains(events.Messages, m => m.StartsWith("ErrorSwallowed: Correlation.Propagation.Inject", StringComparison.Ordinal) && m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void A_getter_that_throws_is_reported_and_the_given_context_returned()
    {
        using var events = new CorrelationEvents();
        var marker = "broken getter " + Guid.NewGuid().ToString("N");
        var given = new PropagatedContext(Headers.Context("a=1"));

        var result = CorrelationPropagator.Default.Extract(given, marker, static (m, _) => throw new InvalidOperationException(m));

        Assert.Equal(given, result);
        Assert.Contains(events.Messages, m => m.StartsWith("ErrorSwallowed: Correlation.Propagation.Extract", StringComparison.Ordinal) && m.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void Baggage_members_beyond_the_limits_are_counted_when_dropped()
    {
        // Other tests running in parallel extract the same 70-member shape (and the property tests drop members of
        // all counts): only the events written on this thread, by this extraction, count.
        using var events = new ThreadEvents();
        var header = string.Join(",", Enumerable.Range(0, 70).Select(i => $"dropcount{i}=v"));

        var baggage = Headers.BaggageOf(header);

        Assert.Equal(64, baggage.Count);
        var dropped = Assert.Single(events.OnThisThread, e => e.EventName == "Dropped");
        Assert.Equal("Correlation.Propagation.Baggage", dropped.Payload![0]);
        Assert.Equal(6L, dropped.Payload[1]);
    }

    /// <summary>The library's events with the managed thread that wrote them (EventSource writes on the caller's thread).</summary>
    private sealed class ThreadEvents : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(int Thread, System.Diagnostics.Tracing.EventWrittenEventArgs Event)> _events = new();

        public IEnumerable<System.Diagnostics.Tracing.EventWrittenEventArgs> OnThisThread
        {
            get
            {
                var thread = Environment.CurrentManagedThreadId;
                return _events.Where(e => e.Thread == thread).Select(e => e.Event).ToArray();
            }
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
            => _events.Enqueue((Environment.CurrentManagedThreadId, eventData));
    }
}
