using Correlation.Demo.Logging;

namespace Correlation.Demo.Tests.EndToEnd;

/// <summary>The order scenario against the real Aspire Dashboard (started once for the class).</summary>
[Collection(ScenarioCollection.Name)]
public sealed class DashboardScenarioTests(DashboardScenarioFixture fixture) : IClassFixture<DashboardScenarioFixture>
{
    // What each framework logs in the story, and the span it logs under (by the span's name).
    public static TheoryData<string, string, string> ExpectedPlacement => new()
    {
        { LogFrameworks.Mel, "Order ord-1001 received", "POST /orders" },
        { LogFrameworks.Mel, "Published \"order placed\" for ord-1002", "send orders" },
        { LogFrameworks.Serilog, "Reserved 3 items", "GET /inventory/{sku}" },
        { LogFrameworks.NLog, "Received a batch of 2 orders", "process orders" },
        { LogFrameworks.NLog, "Charging 42.00 EUR for order ord-1001", "fulfil order" },
        { LogFrameworks.NLog, "Payment attempt 1 for order ord-1001 failed", "authorize payment" },
        { LogFrameworks.NLog, "Payment authorized for order ord-1001 on attempt 2", "authorize payment" },
    };

    [Fact]
    public void Every_log_line_written_inside_a_span_carries_that_spans_trace_and_span_ids()
    {
        Assert.NotEmpty(fixture.Logs);
        foreach (var log in fixture.Logs)
        {
            // Every record of the story is written inside a span, so each must name one the SDK recorded, in its trace.
            Assert.True(log.TraceId is not null && log.SpanId is not null, $"{log.Framework}: '{log.Message}' has no trace fields");
            Assert.Contains(fixture.Spans, s => s.SpanId.ToHexString() == log.SpanId && s.TraceId.ToHexString() == log.TraceId);
        }
    }

    [Fact]
    public void The_ids_each_framework_wrote_are_those_of_the_span_current_when_it_logged()
    {
        Assert.Equal(fixture.Captured.Count, fixture.Logs.Count);
        for (var i = 0; i < fixture.Logs.Count; i++)
        {
            var (captured, log) = (fixture.Captured[i], fixture.Logs[i]);
            Assert.NotNull(captured.CurrentSpanId);
            Assert.True(
                (captured.CurrentTraceId, captured.CurrentSpanId) == (log.TraceId, log.SpanId),
                $"{log.Framework} '{log.Message}' wrote {log.TraceId}/{log.SpanId}, current span was {captured.CurrentTraceId}/{captured.CurrentSpanId}");
        }
    }

    [Theory]
    [MemberData(nameof(ExpectedPlacement))]
    public void Each_framework_logs_under_the_span_that_was_current(string framework, string message, string spanName)
    {
        var log = Assert.Single(fixture.Logs, l => l.Framework == framework && l.Message.Contains(message, StringComparison.Ordinal));
        var span = Assert.Single(fixture.Spans, s => s.SpanId.ToHexString() == log.SpanId);

        Assert.Equal(spanName, span.DisplayName);
        Assert.Equal(span.TraceId.ToHexString(), log.TraceId);
    }

    [Fact]
    public void Baggage_set_at_the_edge_reaches_every_framework_in_the_order_traces()
    {
        foreach (var framework in new[] { LogFrameworks.Mel, LogFrameworks.Serilog, LogFrameworks.NLog })
        {
            var tagged = fixture.Logs.Where(l => l.Framework == framework && l.Tenant == "acme-corp").ToList();
            Assert.NotEmpty(tagged);
        }

        // The batch span starts a new trace with links, not a parent: its own lines carry no tenant.
        Assert.All(fixture.Logs.Where(l => l.Message.StartsWith("Received a batch", StringComparison.Ordinal)), l => Assert.Null(l.Tenant));
    }

    [Fact]
    public void Records_from_all_three_frameworks_are_stored_in_the_backend()
    {
        Assert.Contains(fixture.StoredLogs, l => l.Scope == "Fulfillment.Worker" && l.Body.StartsWith("Charging", StringComparison.Ordinal));
        Assert.Contains(fixture.StoredLogs, l => l.Body.Contains("Reserved 3 items", StringComparison.Ordinal));
        Assert.Contains(fixture.StoredLogs, l => l.Scope.EndsWith("OrderService", StringComparison.Ordinal) && l.Body.Contains("received", StringComparison.Ordinal));
        Assert.Equal(fixture.Logs.Count, fixture.StoredLogs.Count);
    }

    [Fact]
    public void Every_trace_id_in_the_stored_logs_belongs_to_a_trace_stored_in_the_backend()
    {
        Assert.NotEmpty(fixture.StoredLogs);
        foreach (var log in fixture.StoredLogs)
        {
            Assert.True(log.TraceId.Length == 32, $"stored record '{log.Body}' has no trace id");
            Assert.True(fixture.StoredSpanIdsByTrace.TryGetValue(log.TraceId, out var spanIds), $"trace {log.TraceId} of '{log.Body}' is not stored");
            Assert.Contains(log.SpanId, spanIds);
        }
    }

    [Fact]
    public void Every_recorded_span_is_stored_in_the_backend()
    {
        foreach (var span in fixture.Spans)
        {
            Assert.True(fixture.StoredSpanIdsByTrace.TryGetValue(span.TraceId.ToHexString(), out var spanIds), $"trace of {span.DisplayName} not stored");
            Assert.Contains(span.SpanId.ToHexString(), spanIds);
        }

        Assert.Equal(3, fixture.StoredSpanIdsByTrace.Count);
    }

    [Fact]
    public void The_backend_shows_one_service_with_both_its_traces_and_its_logs()
    {
        var resource = Assert.Single(fixture.Resources);

        Assert.Equal(("order-demo", true, true), resource);
    }
}
