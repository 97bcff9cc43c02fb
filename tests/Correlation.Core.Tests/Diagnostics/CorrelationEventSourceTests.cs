using System.Diagnostics.Tracing;
using Correlation.Core.Tests.Support;
using Correlation.Diagnostics;

namespace Correlation.Core.Tests.Diagnostics;

public class CorrelationEventSourceTests
{
    [Fact]
    public void The_event_source_is_named_Correlation_and_reports_swallowed_errors()
    {
        Assert.Equal("Correlation", EventSource.GetName(typeof(CorrelationEventSource)));
        using var events = new CorrelationEvents();

        CorrelationEventSource.Log.Swallowed("Test.Component", new InvalidOperationException("boom"));

        var e = Assert.Single(events.Events, e => e.EventName == "ErrorSwallowed" && (string?)e.Payload![0] == "Test.Component");
        Assert.Contains("boom", (string?)e.Payload![1], StringComparison.Ordinal);
        Assert.Equal(EventLevel.Error, e.Level);
    }
}
