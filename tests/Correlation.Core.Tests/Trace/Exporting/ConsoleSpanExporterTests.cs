using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace.Exporting;

public class ConsoleSpanExporterTests
{
    [Fact]
    public void Each_span_is_one_readable_line_with_ids_name_kind_duration_status_attributes_events_and_links()
    {
        var name = TraceTestKit.UniqueSourceName("Console");
        using var source = new ActivitySource(name);
        using var output = new StringWriter();
        var linked = new ActivityContext(
            ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c"), ActivitySpanId.CreateFromString("b7ad6b7169203331"), ActivityTraceFlags.Recorded);
        string traceId;
        string spanId;
        using (var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddConsoleExporter(output).Build())
        {
            using (var span = source.StartActivity("GET /orders", ActivityKind.Server, default(ActivityContext), links: [new ActivityLink(linked, new ActivityTagsCollection { ["reason"] = "retry" })]))
            {
                traceId = span!.TraceId.ToHexString();
                spanId = span.SpanId.ToHexString();
                span.SetTag("http.route", "/orders");
                span.SetTag("items", 2);
                span.AddEvent(new ActivityEvent("cache miss", tags: new ActivityTagsCollection { ["key"] = "a\nb" }));
                span.SetStatus(ActivityStatusCode.Error, "timeout");
            }
        }

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("span " + traceId + " " + spanId + " parent=- flags=01 name=\"GET /orders\" kind=Server duration=", line, StringComparison.Ordinal);
        Assert.Contains("status=Error(\"timeout\")", line, StringComparison.Ordinal);
        Assert.Contains("source=" + name, line, StringComparison.Ordinal);
        Assert.Contains("attributes={http.route=/orders, items=2}", line, StringComparison.Ordinal);
        Assert.Contains("events=[cache miss@+", line, StringComparison.Ordinal);
        Assert.Contains("{key=a\\nb}]", line, StringComparison.Ordinal);
        Assert.Contains("links=[0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331{reason=retry}]", line, StringComparison.Ordinal);
    }
}
