namespace Correlation.NLog.Tests.LayoutRenderers;

public class TraceIdLayoutRendererTests
{
    [Fact]
    public void Renders_the_current_trace_id_as_32_lowercase_hex()
    {
        using var nlog = NLogHarness.ForLayout("${trace-id}");
        using var span = NLogHarness.StartSpan();

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", nlog.LogOne());
    }

    [Fact]
    public void Plain_layout_from_the_readme_carries_trace_and_span()
    {
        using var nlog = NLogHarness.ForLayout("[trace=${trace-id} span=${span-id}] ${message}");
        using var span = NLogHarness.StartSpan();

        Assert.Equal($"[trace=4bf92f3577b34da6a3ce929d0e0e4736 span={span.SpanId.ToHexString()}] hello", nlog.LogOne());
    }

    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", "11803532876627986230")]
    [InlineData("0000000000000000ffffffffffffffff", "18446744073709551615")]
    [InlineData("ffffffffffffffff0000000000000001", "1")]
    public void Datadog_format_writes_the_lower_64_bits_in_decimal(string traceId, string expected)
    {
        using var nlog = NLogHarness.ForLayout("${trace-id:format=datadog}");
        using var span = NLogHarness.StartSpan(traceId);

        Assert.Equal(expected, nlog.LogOne());
    }

    [Fact]
    public void Format_is_case_insensitive_and_hex_is_the_default()
    {
        using var nlog = NLogHarness.ForLayout("${trace-id:format=Hex}|${trace-id:format=DATADOG}|${trace-id}");
        using var span = NLogHarness.StartSpan();

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736|11803532876627986230|4bf92f3577b34da6a3ce929d0e0e4736", nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${trace-id}][${trace-id:format=datadog}]");

        Assert.Null(Activity.Current);
        Assert.Equal("[][]", nlog.LogOne());

        // Control: the same layout under a span renders both.
        using var span = NLogHarness.StartSpan();
        Assert.Equal("[4bf92f3577b34da6a3ce929d0e0e4736][11803532876627986230]", nlog.LogOne());
    }

    [Fact]
    public void WhenEmpty_gives_a_placeholder_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("${trace-id:whenEmpty=-}");

        Assert.Equal("-", nlog.LogOne());
        using var span = NLogHarness.StartSpan();
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", nlog.LogOne());
    }

    [Fact]
    public void A_hierarchical_activity_is_treated_as_no_span()
    {
        using var nlog = NLogHarness.ForLayout("[${trace-id}]");
        using (new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).Start())
        {
            Assert.Equal("[]", nlog.LogOne());
        }

        // Control: the same layout under a W3C span renders the id.
        using var span = NLogHarness.StartSpan();
        Assert.Equal("[4bf92f3577b34da6a3ce929d0e0e4736]", nlog.LogOne());
    }

    [Fact]
    public void Follows_the_span_current_at_each_log_call()
    {
        using var nlog = NLogHarness.ForLayout("${trace-id}");
        using (NLogHarness.StartSpan("11111111111111111111111111111111"))
        {
            Assert.Equal("11111111111111111111111111111111", nlog.LogOne());
        }

        using (NLogHarness.StartSpan("22222222222222222222222222222222"))
        {
            Assert.Equal("22222222222222222222222222222222", nlog.LogOne());
        }

        Assert.Equal(string.Empty, nlog.LogOne());
    }
}
