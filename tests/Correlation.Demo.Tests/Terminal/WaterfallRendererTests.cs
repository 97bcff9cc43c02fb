using Correlation.Demo.Terminal;

namespace Correlation.Demo.Tests.Terminal;

public sealed class WaterfallRendererTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static readonly DateTime T0 = new(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc);

    private static TraceView FixedTrace()
    {
        var root = new SpanView("00f067aa0ba902b7", null, "POST /orders", "server", T0, TimeSpan.FromMilliseconds(40), false, null, [], []);
        var inventory = new SpanView(
            "b7ad6b7169203331", "00f067aa0ba902b7", "GET /inventory/SKU-RED-MUG", "client", T0.AddMilliseconds(5), TimeSpan.FromMilliseconds(10), false, null,
            [new SpanEventView("inventory_checked", T0.AddMilliseconds(12), [new("items", "3")])],
            []);
        var payment = new SpanView(
            "e457b5a2e4d86bd1", "00f067aa0ba902b7", "authorize payment", "client", T0.AddMilliseconds(20), TimeSpan.FromMilliseconds(20), true, "gateway timed out",
            [new SpanEventView("exception", T0.AddMilliseconds(39), [new("exception.type", "TimeoutException")])],
            [new SpanLinkView("0af7651916cd43dd8448eb211c80319c", "b9c7c989f97918e1")]);
        LogLineView[] logs =
        [
            new("mel", T0.AddMilliseconds(1), "INFO", "OrderService", "Order ord-1 received", TraceId, "00f067aa0ba902b7", "acme-corp"),
            new("serilog", T0.AddMilliseconds(13), "INFO", "Inventory", "Reserved 3 items", TraceId, "b7ad6b7169203331", "acme-corp"),
            new("nlog", T0.AddMilliseconds(39.5), "WARN", "Worker", "Payment failed, retrying", TraceId, "e457b5a2e4d86bd1", null),
            new("nlog", T0.AddMilliseconds(30), "ERROR", "Worker", "Span not recorded", TraceId, "1111111111111111", null),
        ];
        return new TraceView(TraceId, [payment, inventory, root], logs);
    }

    [Fact]
    public void Plain_text_view_of_a_fixed_trace()
    {
        var text = WaterfallRenderer.Render(FixedTrace(), color: false);

        // Bars: 32 columns for 40 ms; the inventory call (5-15 ms) fills columns 4-11, the payment (20-40 ms) 16-31.
        var expected = string.Join('\n',
        [
            "trace 4bf92f3577b34da6a3ce929d0e0e4736  3 spans · 4 log lines · 40.0 ms",
            "POST /orders server                   ████████████████████████████████   40.0 ms",
            "│     +1.0 ms  INFO  mel     Order ord-1 received  tenant.id=acme-corp",
            "├─ GET /inventory/SKU-RED-MUG client      ████████                       10.0 ms",
            "│       +12.0 ms  • inventory_checked items=3",
            "│       +13.0 ms  INFO  serilog Reserved 3 items  tenant.id=acme-corp",
            "└─ authorize payment client                           ████████████████   20.0 ms  ✗ gateway timed out",
            "      ↪ link to span b9c7c989f97918e1 of trace 0af7651916cd43dd8448eb211c80319c",
            "        +39.0 ms  • exception exception.type=TimeoutException",
            "        +39.5 ms  WARN  nlog    Payment failed, retrying",
            "  log lines of this trace whose span was not recorded:",
            "    +30.0 ms  ERROR nlog    Span not recorded",
            string.Empty,
        ]);
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Plain_text_has_no_escape_sequences_and_colour_has_them()
    {
        var plain = WaterfallRenderer.Render(FixedTrace(), color: false);
        var colored = WaterfallRenderer.Render(FixedTrace(), color: true);

        Assert.DoesNotContain('\u001b', plain);
        Assert.Contains("\u001b[", colored);
        Assert.Equal(plain, System.Text.RegularExpressions.Regex.Replace(colored, "\u001b\\[[0-9;]*m", string.Empty));
    }

    [Fact]
    public void Log_lines_outside_any_span_are_listed_apart()
    {
        LogLineView[] logs = [new("serilog", T0, "INFO", "Startup", "Ready", null, null, null)];

        var text = WaterfallRenderer.RenderOutsideSpans(logs, color: false);

        Assert.Equal("outside any span (no trace fields written)\n  09:00:00.000  INFO  serilog Ready\n", text);
        Assert.Equal(string.Empty, WaterfallRenderer.RenderOutsideSpans([], color: false));
    }

    [Fact]
    public void Log_lines_of_a_trace_that_was_not_recorded_are_listed_with_their_ids_not_as_lines_without_fields()
    {
        LogLineView[] logs =
        [
            new("mel", T0.AddMilliseconds(2), "INFO", "OrderService", "Order received", TraceId, "00f067aa0ba902b7", null),
            new("serilog", T0, "INFO", "Startup", "Ready", null, null, null),
        ];

        var text = WaterfallRenderer.RenderOutsideSpans(logs, color: false);

        // Both used to be listed under "outside any span (no trace fields written)".
        Assert.Equal(
            "log lines whose trace was not recorded (ids as written)\n" +
            $"  09:00:00.002  INFO  mel     Order received  trace_id={TraceId} span_id=00f067aa0ba902b7\n" +
            "outside any span (no trace fields written)\n" +
            "  09:00:00.000  INFO  serilog Ready\n",
            text);
    }

    [Fact]
    public void The_summary_counts_as_placed_only_the_lines_under_a_recorded_span()
    {
        var trace = FixedTrace();
        LogLineView[] unrecordedTrace = [new("mel", T0, "INFO", "OrderService", "Order received", "0af7651916cd43dd8448eb211c80319c", "b9c7c989f97918e1", null)];
        LogLineView[] noFields = [new("serilog", T0, "INFO", "Startup", "Ready", null, null, null)];
        LogLineView[] all = [.. trace.Logs, .. unrecordedTrace, .. noFields];

        // The fixed trace holds 3 lines under recorded spans and 1 whose span was not recorded; with no trace recorded
        // at all (OTEL_SDK_DISABLED=true), the summary used to say lines "were placed under their span" all the same.
        Assert.Equal(
            "1 traces, 3 spans, 6 log lines (mel 2, nlog 2, serilog 2); 3 carried trace_id/span_id and were placed under their span; " +
            "2 carried the ids of a span that was not recorded; 1 carried no trace_id/span_id.",
            DemoRunner.Summary([trace], all));
        Assert.Equal(
            "0 traces, 0 spans, 1 log lines (mel 1); 0 carried trace_id/span_id and were placed under their span; 1 carried the ids of a span that was not recorded.",
            DemoRunner.Summary([], unrecordedTrace));
        Assert.Equal(
            "1 traces, 3 spans, 3 log lines (mel 1, nlog 1, serilog 1); 3 carried trace_id/span_id and were placed under their span.",
            DemoRunner.Summary([trace with { Logs = trace.Logs.Take(3).ToList() }], trace.Logs.Take(3).ToList()));
    }

    [Theory]
    [InlineData(0.42, "0.42 ms")]
    [InlineData(12.34, "12.3 ms")]
    [InlineData(1250, "1.25 s")]
    public void Durations_are_formatted_for_the_view(double milliseconds, string expected) =>
        Assert.Equal(expected, WaterfallRenderer.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));
}
