using OpenTelemetry;

namespace Correlation.NLog.Tests.LayoutRenderers;

public class BaggageLayoutRendererTests
{
    [Fact]
    public void Renders_a_baggage_item_of_the_span()
    {
        using var nlog = NLogHarness.ForLayout("${baggage:item=tenant.id}");
        using var span = NLogHarness.StartSpan();
        span.AddBaggage("tenant.id", "acme");

        Assert.Equal("acme", nlog.LogOne());
    }

    [Fact]
    public void Item_is_the_default_parameter()
    {
        using var nlog = NLogHarness.ForLayout("${baggage:tenant.id}");
        using var span = NLogHarness.StartSpan();
        span.AddBaggage("tenant.id", "acme");

        Assert.Equal("acme", nlog.LogOne());
    }

    [Theory]
    [InlineData("${baggage:item=tenant.id }")]
    [InlineData("${baggage:item= tenant.id}")]
    [InlineData("${baggage: tenant.id }")]
    public void Spaces_around_the_item_are_ignored_as_in_the_other_adapters_configuration(string layout)
    {
        // A baggage key is a token (no spaces), so a key with spaces around it can only be a typing slip; Serilog's and
        // MEL's configuration readers trim it too.
        using var nlog = NLogHarness.ForLayout("[" + layout + "]");
        using var span = NLogHarness.StartSpan();
        span.AddBaggage("tenant.id", "acme");

        Assert.Equal("[acme]", nlog.LogOne());
    }

    [Fact]
    public void Sees_baggage_set_on_a_parent_span()
    {
        using var nlog = NLogHarness.ForLayout("${baggage:item=user}");
        using var parent = NLogHarness.StartSpan();
        parent.AddBaggage("user", "42");
        using var child = new Activity("child").Start();

        Assert.Equal("42", nlog.LogOne());
    }

    [Fact]
    public void OpenTelemetry_baggage_wins_over_activity_baggage()
    {
        using var nlog = NLogHarness.ForLayout("${baggage:item=tenant.id}");
        using var span = NLogHarness.StartSpan();
        span.AddBaggage("tenant.id", "from-activity");
        var previous = Baggage.Current;
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant.id"] = "from-otel" });
        try
        {
            Assert.Equal("from-otel", nlog.LogOne());
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    [Fact]
    public void Renders_nothing_when_the_item_is_absent()
    {
        using var nlog = NLogHarness.ForLayout("[${baggage:item=missing}]");
        Assert.Equal("[]", nlog.LogOne());

        using var span = NLogHarness.StartSpan();
        span.AddBaggage("other", "x");
        Assert.Equal("[]", nlog.LogOne());

        // Control: once the item is there, the same layout renders it.
        span.AddBaggage("missing", "found");
        Assert.Equal("[found]", nlog.LogOne());
    }
}
