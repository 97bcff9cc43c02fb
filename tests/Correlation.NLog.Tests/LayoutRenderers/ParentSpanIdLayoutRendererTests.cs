namespace Correlation.NLog.Tests.LayoutRenderers;

public class ParentSpanIdLayoutRendererTests
{
    [Fact]
    public void Renders_the_parent_span_id_as_16_lowercase_hex()
    {
        using var nlog = NLogHarness.ForLayout("${parent-span-id}");
        using var span = NLogHarness.StartSpan(parentSpanId: "00f067aa0ba902b7");

        Assert.Equal("00f067aa0ba902b7", nlog.LogOne());
    }

    [Fact]
    public void Datadog_format_writes_the_parent_id_in_decimal()
    {
        using var nlog = NLogHarness.ForLayout("${parent-span-id:format=datadog}");
        using var span = NLogHarness.StartSpan(parentSpanId: "00f067aa0ba902b7");

        Assert.Equal("67667974448284343", nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_for_a_root_span_or_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${parent-span-id}]");
        Assert.Equal("[]", nlog.LogOne());

        using var root = NLogHarness.StartRootSpan();
        Assert.Equal("[]", nlog.LogOne());

        // Control: a child of the root renders the root's span id.
        using var child = new Activity("child").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal($"[{root.SpanId.ToHexString()}]", nlog.LogOne());
    }
}
