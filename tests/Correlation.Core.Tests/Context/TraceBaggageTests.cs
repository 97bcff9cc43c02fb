using Correlation.Context;
using Correlation.Core.Tests.Support;

namespace Correlation.Core.Tests.Context;

public class TraceBaggageTests
{
    [Fact]
    public void Activity_baggage_is_found_up_the_parent_chain_innermost_first()
    {
        using var spans = new TestSpans();
        var (parent, child) = ParentAndChild(spans, childTenant: "inner");
        using var _ = parent;
        using var __ = child;

        Assert.Equal("inner", TraceBaggage.GetItem("tenant.id"));
        Assert.Equal("eu", TraceBaggage.GetItem("region"));
        Assert.Null(TraceBaggage.GetItem("missing"));
    }

    [Fact]
    public void OpenTelemetry_baggage_wins_over_activity_baggage()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        span.AddBaggage("tenant.id", "from-activity");
        span.AddBaggage("only.activity", "a");
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "from-otel");
        try
        {
            Assert.Equal("from-otel", TraceBaggage.GetItem("tenant.id"));
            Assert.Equal("a", TraceBaggage.GetItem("only.activity"));
            var all = TraceBaggage.GetAll(span);
            Assert.Equal(["tenant.id", "only.activity"], all.Select(p => p.Key));
            Assert.Equal("from-otel", all[0].Value);
            Assert.Equal("from-otel", TraceContextSnapshot.Current.GetBaggageItem("tenant.id"));
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void Baggage_is_visible_without_a_span()
    {
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "acme-corp");
        try
        {
            var set = TraceFieldSet.Create(new TraceContextOptions().IncludeBaggage("tenant.id"));
            Assert.Null(set.GetValue(null, 0));
            Assert.Equal("acme-corp", set.GetValue(null, 2));
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void A_null_value_in_a_child_hides_the_parent_s_item_for_logs_and_propagation_alike()
    {
        using var spans = new TestSpans();
        var (parent, child) = ParentAndChild(spans, childTenant: null);
        using var _ = parent;
        using var __ = child;

        var sent = new Dictionary<string, string>();
        Correlation.Propagation.CorrelationPropagator.Baggage.Inject(child, sent, Correlation.Propagation.PropagationCarriers.DictionarySetter);

        // The runtime's own lookup stops at the child's item; every view follows it (SPEC 10).
        Assert.Null(child.GetBaggageItem("tenant.id"));
        Assert.Null(TraceBaggage.GetItem(child, "tenant.id"));
        Assert.Equal(["region"], TraceBaggage.GetAll(child).Select(p => p.Key));
        Assert.Equal("region=eu", sent["baggage"]);
    }

    [Fact]
    public void An_activity_item_with_an_empty_key_is_left_out_of_the_header_alone_also_beside_OpenTelemetry_baggage()
    {
        using var spans = new TestSpans();
        var (parent, child) = ParentAndChild(spans, childTenant: "inner");
        using var _ = parent;
        using var __ = child;
        child.AddBaggage("", "no key");
        OpenTelemetry.Baggage.SetBaggage("user.id", "alice");
        try
        {
            var sent = new Dictionary<string, string>();
            Correlation.Propagation.CorrelationPropagator.Baggage.Inject(child, sent, Correlation.Propagation.PropagationCarriers.DictionarySetter);

            // OpenTelemetry's baggage rejects an empty name; asking it whether it holds one must not cost the other members.
            Assert.Equal("user.id=alice,tenant.id=inner,region=eu", Assert.Contains("baggage", sent));
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void An_empty_or_null_key_finds_nothing_and_never_throws()
    {
        // No baggage key is empty (W3C Baggage: a key is a non-empty token), and OpenTelemetry's lookup throws on one:
        // reading baggage must not throw into the application (SPEC 1).
        using var spans = new TestSpans();
        using var span = spans.Start();
        span.AddBaggage("", "no key");
        span.AddBaggage("tenant.id", "acme");
        OpenTelemetry.Baggage.SetBaggage("user.id", "alice");
        try
        {
            Assert.Null(TraceBaggage.GetItem(""));
            Assert.Null(TraceBaggage.GetItem(null!));
            Assert.Null(TraceContextSnapshot.Current.GetBaggageItem(""));

            // The whole view agrees with the single lookup and with the header: an empty-key item is no baggage.
            Assert.Equal(["user.id", "tenant.id"], TraceBaggage.GetAll(span).Select(p => p.Key));
            Assert.Equal(["user.id", "tenant.id"], TraceContextSnapshot.Current.GetBaggage().Select(p => p.Key));
            Assert.Equal("acme", TraceBaggage.GetItem("tenant.id"));
            Assert.Equal("alice", TraceBaggage.GetItem("user.id"));
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    /// <summary>A parent with <c>tenant.id=outer</c> and <c>region=eu</c>, and a current child that adds <c>tenant.id</c>.</summary>
    private static (System.Diagnostics.Activity Parent, System.Diagnostics.Activity Child) ParentAndChild(TestSpans spans, string? childTenant)
    {
        var parent = spans.Start("parent");
        parent.AddBaggage("tenant.id", "outer");
        parent.AddBaggage("region", "eu");
        var child = spans.Start("child");
        child.AddBaggage("tenant.id", childTenant);
        return (parent, child);
    }
}
