namespace Correlation.NLog.Tests.LayoutRenderers;

public class TraceSampledLayoutRendererTests
{
    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "true")]
    [InlineData((ActivityTraceFlags)3, "true")]
    [InlineData(ActivityTraceFlags.None, "false")]
    [InlineData((ActivityTraceFlags)2, "false")]
    public void Renders_whether_the_sampled_flag_is_set(ActivityTraceFlags flags, string expected)
    {
        using var nlog = NLogHarness.ForLayout("${trace-sampled}");
        using var span = NLogHarness.StartSpan(flags: flags);

        Assert.Equal(expected, nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${trace-sampled}]");

        Assert.Equal("[]", nlog.LogOne());

        // Control: the same layout under a span renders it.
        using var span = NLogHarness.StartSpan();
        Assert.Equal("[true]", nlog.LogOne());
    }

    [Fact]
    public void A_filter_on_it_drops_lines_of_unsampled_traces_and_keeps_the_rest()
    {
        using var nlog = NLogHarness.FromXml("""
            <nlog throwConfigExceptions="true">
              <extensions><add assembly="Correlation.NLog" /></extensions>
              <targets><target name="m" type="Memory" layout="${message}" /></targets>
              <rules>
                <logger name="*" minlevel="Trace" writeTo="m">
                  <filters defaultAction="Log">
                    <when condition="'${trace-sampled}' == 'false'" action="Ignore" />
                  </filters>
                </logger>
              </rules>
            </nlog>
            """);

        nlog.Logger.Info("outside");
        using (NLogHarness.StartSpan(flags: ActivityTraceFlags.Recorded))
        {
            nlog.Logger.Info("sampled");
        }

        using (NLogHarness.StartSpan(flags: ActivityTraceFlags.None))
        {
            nlog.Logger.Info("unsampled");
        }

        Assert.Equal(["outside", "sampled"], nlog.Lines);
    }
}
