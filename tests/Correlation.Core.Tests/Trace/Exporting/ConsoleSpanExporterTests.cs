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

    [Fact]
    public void Control_characters_and_unicode_line_separators_anywhere_in_a_span_stay_on_its_one_line()
    {
        var prefix = TraceTestKit.UniqueSourceName("Console");
        using var source = new ActivitySource(prefix + "\nsecond line");
        using var output = new StringWriter();
        using (var provider = TracerProvider.CreateBuilder().AddSource(prefix + "*").SetSampler(new AlwaysOnSampler()).AddConsoleExporter(output).Build())
        {
            using var span = source.StartActivity("name\u2028after")!;
            span.SetTag("vt", "a\vb");
            span.SetTag("ff", "a\fb");
            span.SetTag("nel", "a\u0085b");
            span.SetTag("ps", "a\u2029b");
            span.SetTag("esc", "\u001b[2Kerased");
            span.SetTag("nul", "a\0b");
            span.AddEvent(new ActivityEvent("event\u000bname"));
            span.SetStatus(ActivityStatusCode.Error, "bad\u2028status");
        }

        var text = output.ToString();
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        var line = text[..^Environment.NewLine.Length];

        // Every reader's line breaks (.NET's, Unicode's, a terminal's): none inside the span's line.
        Assert.DoesNotContain(line, c => char.IsControl(c) || c == '\u2028' || c == '\u2029');
        Assert.Contains("source=" + prefix + "\\nsecond line", line, StringComparison.Ordinal);
        Assert.Contains("name=\"name\\u2028after\"", line, StringComparison.Ordinal);
        Assert.Contains("vt=a\\u000bb", line, StringComparison.Ordinal);
        Assert.Contains("nel=a\\u0085b", line, StringComparison.Ordinal);
        Assert.Contains("esc=\\u001b[2Kerased", line, StringComparison.Ordinal);
        Assert.Contains("status=Error(\"bad\\u2028status\")", line, StringComparison.Ordinal);
    }

    private static string Line(params (string Key, object? Value)[] tags)
    {
        var span = TraceTestKit.NewRecordedSpan("values");
        foreach (var (key, value) in tags)
        {
            span.SetTag(key, value);
        }

        var line = new System.Text.StringBuilder();
        Correlation.Trace.Exporting.ConsoleSpanExporter.Format(span, line);
        return line.ToString();
    }

    [Fact]
    public void Only_arrays_are_expanded_one_level_and_other_sequences_are_never_enumerated()
    {
        var selfContaining = new List<object>();
        selfContaining.Add(selfContaining);
        var line = Line(
            ("ints", new[] { 1, 2 }),
            ("nested", new object[] { "a", new[] { 1 } }),
            ("list", new List<int> { 1, 2 }),
            ("self", selfContaining),
            ("endless", new NeverEnumerate()));

        Assert.Contains("ints=[1,2]", line, StringComparison.Ordinal);
        Assert.Contains("nested=[a,System.Int32[]]", line, StringComparison.Ordinal);
        Assert.Contains("list=System.Collections.Generic.List`1[System.Int32]", line, StringComparison.Ordinal);
        Assert.Contains("self=System.Collections.Generic.List`1[System.Object]", line, StringComparison.Ordinal);
        Assert.Contains("endless=never enumerated", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_array_is_capped_and_a_throwing_ToString_costs_only_its_value()
    {
        var line = Line(("long", Enumerable.Range(0, 100).ToArray()), ("bad", new ThrowingValue()), ("after", "kept"));

        Assert.Contains("long=[0,1,2,", line, StringComparison.Ordinal);
        Assert.Contains(",31,…(+68)]", line, StringComparison.Ordinal);
        Assert.DoesNotContain(",32", line, StringComparison.Ordinal);
        Assert.Contains("bad=<ToString threw InvalidOperationException>", line, StringComparison.Ordinal);
        Assert.Contains("after=kept", line, StringComparison.Ordinal);
    }

    private sealed class NeverEnumerate : IEnumerable<int>
    {
        public IEnumerator<int> GetEnumerator() => throw new InvalidOperationException("must not be enumerated");

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "never enumerated";
    }

    private sealed class ThrowingValue
    {
        public override string ToString() => throw new InvalidOperationException("broken");
    }
}
