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
        using var events = new CorrelationEvents();
        var header = string.Join(",", Enumerable.Range(0, 70).Select(i => $"dropcount{i}=v"));

        var baggage = Headers.BaggageOf(header);

        Assert.Equal(64, baggage.Count);
        Assert.Contains(events.Events, e => e.EventName == "Dropped" && (string?)e.Payload![0] == "Correlation.Propagation.Baggage" && Equals(e.Payload[1], 6L));
    }
}
