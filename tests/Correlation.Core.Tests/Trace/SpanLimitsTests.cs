using System.Diagnostics;
using System.Text;
using Correlation.Trace;
using Correlation.Trace.Exporting;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

public class SpanLimitsTests
{
    private static (ActivitySource Source, TracerProvider Provider, List<Activity> Spans) Start(SpanLimits limits)
    {
        var name = TraceTestKit.UniqueSourceName("Limits");
        var source = new ActivitySource(name);
        var spans = new List<Activity>();
        var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).SetSpanLimits(limits).AddInMemoryExporter(spans).Build();
        return (source, provider, spans);
    }

    [Fact]
    public void The_defaults_are_128_each()
    {
        var limits = new SpanLimits();
        Assert.Equal(128, limits.AttributeCountLimit);
        Assert.Equal(128, limits.EventCountLimit);
        Assert.Equal(128, limits.LinkCountLimit);
        Assert.Equal(128, limits.AttributePerEventCountLimit);
        Assert.Equal(128, limits.AttributePerLinkCountLimit);
    }

    [Fact]
    public void Attributes_beyond_the_limit_are_removed_keeping_the_first_in_order()
    {
        using var diagnostics = new DiagnosticsCapture();
        var (source, provider, spans) = Start(new SpanLimits { AttributeCountLimit = 3 });
        using (source)
        using (provider)
        {
            using (var span = source.StartActivity("many-attributes"))
            {
                for (var i = 0; i < 6; i++)
                {
                    span!.SetTag("k" + i, i);
                }
            }

            var tags = Assert.Single(spans).TagObjects.Select(t => t.Key).ToArray();
            Assert.Equal(["k0", "k1", "k2"], tags);
            Assert.Equal(3, SpanLimits.GetDroppedCounts(spans[0]).DroppedAttributes);
            Assert.True(diagnostics.Has("Dropped", "SpanLimits", "many-attributes"));
        }
    }

    [Fact]
    public void Events_and_links_beyond_the_limits_are_counted_and_exporters_write_only_the_first()
    {
        var (source, provider, spans) = Start(new SpanLimits { EventCountLimit = 2, LinkCountLimit = 1, AttributePerEventCountLimit = 1 });
        using (source)
        using (provider)
        {
            var links = new[]
            {
                new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)),
                new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)),
            };
            using (var span = source.StartActivity("limited", ActivityKind.Internal, default(ActivityContext), links: links))
            {
                span!.AddEvent(new ActivityEvent("e1", tags: new ActivityTagsCollection { ["a"] = 1, ["b"] = 2 }));
                span.AddEvent(new ActivityEvent("e2"));
                span.AddEvent(new ActivityEvent("e3"));
            }

            var counts = SpanLimits.GetDroppedCounts(Assert.Single(spans));
            Assert.Equal(1, counts.DroppedEvents);
            Assert.Equal(1, counts.DroppedLinks);

            var line = new StringBuilder();
            ConsoleSpanExporter.Format(spans[0], line);
            var text = line.ToString();
            Assert.Contains("events=[e1@", text, StringComparison.Ordinal);
            Assert.Contains("{a=1}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("b=2", text, StringComparison.Ordinal);
            Assert.Contains("e2@", text, StringComparison.Ordinal);
            Assert.DoesNotContain("e3@", text, StringComparison.Ordinal);
            Assert.Contains(links[0].Context.SpanId.ToHexString(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(links[1].Context.SpanId.ToHexString(), text, StringComparison.Ordinal);
            Assert.Contains("dropped={attributes=0, events=1, links=1}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_span_within_its_limits_is_left_alone()
    {
        var (source, provider, spans) = Start(new SpanLimits());
        using (source)
        using (provider)
        {
            using (var span = source.StartActivity("small"))
            {
                span!.SetTag("a", 1);
                span.AddEvent(new ActivityEvent("e"));
            }

            Assert.Same(SpanLimits.GetDroppedCounts(Assert.Single(spans)), SpanLimits.GetDroppedCounts(new Activity("never-ended")));
            Assert.Equal(0, SpanLimits.GetDroppedCounts(spans[0]).DroppedEvents);
        }
    }

    [Fact]
    public void Two_providers_with_different_limits_on_one_source_keep_every_dropped_count_and_the_strictest_limits()
    {
        // One Activity, two providers: each trims it in turn, so both must export what the stricter left and count all
        // that was discarded. Before, the second provider's counts replaced the first's (attributes dropped: 0).
        var name = TraceTestKit.UniqueSourceName("Limits");
        using var source = new ActivitySource(name);
        var first = new List<Activity>();
        var second = new List<Activity>();
        using var attributesStrict = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler())
            .SetSpanLimits(new SpanLimits { AttributeCountLimit = 3 }).AddInMemoryExporter(first).Build();
        using var eventsStrict = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler())
            .SetSpanLimits(new SpanLimits { AttributeCountLimit = 4, EventCountLimit = 1 }).AddInMemoryExporter(second).Build();

        using (var span = source.StartActivity("shared"))
        {
            for (var i = 0; i < 5; i++)
            {
                span!.SetTag("k" + i, i);
            }

            span!.AddEvent(new ActivityEvent("e1"));
            span.AddEvent(new ActivityEvent("e2"));
        }

        var ended = Assert.Single(first);
        Assert.Same(ended, Assert.Single(second));
        Assert.Equal(["k0", "k1", "k2"], ended.TagObjects.Select(t => t.Key).ToArray());
        var counts = SpanLimits.GetDroppedCounts(ended);
        Assert.Equal(2, counts.DroppedAttributes);
        Assert.Equal(1, counts.DroppedEvents);
        Assert.Equal(1, counts.EventCountLimit);
        Assert.Equal(128, counts.LinkCountLimit);
    }
}
