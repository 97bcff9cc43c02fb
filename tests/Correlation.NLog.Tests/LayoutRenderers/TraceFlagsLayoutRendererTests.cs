namespace Correlation.NLog.Tests.LayoutRenderers;

public class TraceFlagsLayoutRendererTests
{
    [Theory]
    [InlineData(ActivityTraceFlags.None, "00")]
    [InlineData(ActivityTraceFlags.Recorded, "01")]
    [InlineData((ActivityTraceFlags)2, "02")]
    [InlineData((ActivityTraceFlags)3, "03")]
    public void Renders_the_flags_as_two_hex_characters(ActivityTraceFlags flags, string expected)
    {
        using var nlog = NLogHarness.ForLayout("${trace-flags}");
        using var span = NLogHarness.StartSpan(flags: flags);

        Assert.Equal(expected, nlog.LogOne());
    }

    [Fact]
    public void Reads_flags_changed_while_the_span_runs()
    {
        using var nlog = NLogHarness.ForLayout("${trace-flags}");
        using var span = NLogHarness.StartSpan(flags: ActivityTraceFlags.None);
        Assert.Equal("00", nlog.LogOne());

        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        Assert.Equal("01", nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${trace-flags}]");

        Assert.Equal("[]", nlog.LogOne());

        // Control: the same layout under a span renders the flags.
        using var span = NLogHarness.StartSpan();
        Assert.Equal("[01]", nlog.LogOne());
    }
}
