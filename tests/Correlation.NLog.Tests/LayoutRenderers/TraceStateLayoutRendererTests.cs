namespace Correlation.NLog.Tests.LayoutRenderers;

public class TraceStateLayoutRendererTests
{
    [Fact]
    public void Renders_the_tracestate()
    {
        using var nlog = NLogHarness.ForLayout("${trace-state}");
        using var span = NLogHarness.StartSpan(traceState: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_without_tracestate_or_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${trace-state}]");
        Assert.Equal("[]", nlog.LogOne());

        using var span = NLogHarness.StartSpan();
        Assert.Equal("[]", nlog.LogOne());

        // Control: once the span has a tracestate, the same layout renders it.
        span.TraceStateString = "a=b";
        Assert.Equal("[a=b]", nlog.LogOne());
    }
}
