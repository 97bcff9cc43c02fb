using System.Globalization;

namespace Correlation.NLog.Tests.LayoutRenderers;

public class SpanIdLayoutRendererTests
{
    [Fact]
    public void Renders_the_current_span_id_as_16_lowercase_hex()
    {
        using var nlog = NLogHarness.ForLayout("${span-id}");
        using var span = NLogHarness.StartSpan();

        var line = nlog.LogOne();
        Assert.Equal(span.SpanId.ToHexString(), line);
        Assert.Matches("^[0-9a-f]{16}$", line);
    }

    [Fact]
    public void Datadog_format_writes_the_span_id_in_decimal()
    {
        using var nlog = NLogHarness.ForLayout("${span-id:format=datadog}");
        using var span = NLogHarness.StartSpan();

        var expected = ulong.Parse(span.SpanId.ToHexString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            .ToString(CultureInfo.InvariantCulture);
        Assert.Equal(expected, nlog.LogOne());
    }

    [Fact]
    public void Renders_nothing_outside_a_span()
    {
        using var nlog = NLogHarness.ForLayout("[${span-id}]");

        Assert.Equal("[]", nlog.LogOne());

        // Control: the same layout under a span renders it.
        using var span = NLogHarness.StartSpan();
        Assert.Equal($"[{span.SpanId.ToHexString()}]", nlog.LogOne());
    }
}
