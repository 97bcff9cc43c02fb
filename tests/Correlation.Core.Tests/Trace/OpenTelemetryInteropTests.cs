using System.Collections.Concurrent;
using System.Diagnostics;
using Correlation.Trace.Sampling;
using OpenTelemetry;
using Ours = Correlation.Trace;
using Theirs = OpenTelemetry.Trace;

namespace Correlation.Core.Tests.Trace;

/// <summary>Our provider and the OpenTelemetry .NET SDK configured in the same process, each with its own listener.</summary>
public class OpenTelemetryInteropTests
{
    private sealed class Collect(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }

    private static Theirs.TracerProvider BuildTheirs(string source, Theirs.Sampler sampler, ConcurrentQueue<Activity> spans)
    {
        var builder = Sdk.CreateTracerProviderBuilder().AddSource(source);
        builder = Theirs.TracerProviderBuilderExtensions.SetSampler(builder, sampler);
        builder = Theirs.TracerProviderBuilderExtensions.AddProcessor(builder, new Collect(spans));
        return Theirs.TracerProviderBuilderExtensions.Build(builder);
    }

    [Fact]
    public void Each_sdk_sees_its_own_sources_and_shutting_one_down_leaves_the_other_working()
    {
        var ourName = TraceTestKit.UniqueSourceName("Ours");
        var theirName = TraceTestKit.UniqueSourceName("Theirs");
        using var ourSource = new ActivitySource(ourName);
        using var theirSource = new ActivitySource(theirName);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(theirName, new Theirs.AlwaysOnSampler(), theirSpans);
        var ours = Ours.TracerProvider.CreateBuilder().AddSource(ourName).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(ourSpans).Build();

        using (ourSource.StartActivity("our-parent"))
        {
            theirSource.StartActivity("their-child")?.Dispose();
        }

        Assert.Equal("our-parent", Assert.Single(ourSpans).DisplayName);
        var child = Assert.Single(theirSpans);
        Assert.Equal("their-child", child.DisplayName);
        Assert.Equal(ourSpans[0].TraceId, child.TraceId);
        Assert.Equal(ourSpans[0].SpanId, child.ParentSpanId);

        ours.Dispose();
        theirSource.StartActivity("after-our-shutdown")?.Dispose();
        Assert.Null(ourSource.StartActivity("ignored"));
        Assert.Equal(2, theirSpans.Count);
        Assert.Single(ourSpans);
    }

    [Fact]
    public void Both_sdks_listening_to_one_source_each_export_the_span_once()
    {
        var name = TraceTestKit.UniqueSourceName("Shared");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.AlwaysOnSampler(), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(ourSpans).Build();

        using (var span = source.StartActivity("shared"))
        {
            span?.SetTag("k", "v");
        }

        var mine = Assert.Single(ourSpans);
        Assert.Same(mine, Assert.Single(theirSpans));
        Assert.Equal("v", mine.GetTagItem("k"));
    }

    [Fact]
    public void When_one_sdk_samples_a_span_the_other_drops_the_span_is_recorded_and_ours_exports_it()
    {
        // .NET asks every listener of a source and takes the most detailed answer; document, don't fight it.
        var name = TraceTestKit.UniqueSourceName("Mixed");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.AlwaysOffSampler(), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(ourSpans).Build();

        var span = source.StartActivity("mixed");
        Assert.NotNull(span);
        Assert.True(span.Recorded);
        span.Dispose();

        Assert.Single(ourSpans);
    }

    [Fact]
    public void After_our_shutdown_the_spans_their_sdk_starts_on_a_shared_source_are_not_counted_as_ours_dropped()
    {
        var name = TraceTestKit.UniqueSourceName("SharedShutdown");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.AlwaysOnSampler(), theirSpans);
        var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(ourSpans).Build();
        var open = source.StartActivity("open across our shutdown");
        Assert.NotNull(open);

        Assert.True(ours.Shutdown(5000));
        open.Dispose();
        for (var i = 0; i < 3; i++)
        {
            // Started after our shutdown: only their sampler created these, ours never had them.
            source.StartActivity("theirs only")?.Dispose();
        }

        Assert.Equal(1, ours.DroppedAfterShutdownCount);
        ours.Dispose();
        Assert.Empty(ourSpans);
        Assert.Equal(4, theirSpans.Count);
    }

    [Fact]
    public void Our_ratio_sampler_and_theirs_agree_when_both_run_on_the_same_traces()
    {
        var ourName = TraceTestKit.UniqueSourceName("OurRatio");
        var theirName = TraceTestKit.UniqueSourceName("TheirRatio");
        using var ourSource = new ActivitySource(ourName);
        using var theirSource = new ActivitySource(theirName);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(theirName, new Theirs.TraceIdRatioBasedSampler(0.3), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(ourName).SetSampler(new TraceIdRatioSampler(0.3)).AddInMemoryExporter(ourSpans).Build();

        var disagreements = 0;
        var sampled = 0;
        for (var i = 0; i < 2000; i++)
        {
            var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, null, isRemote: true);
            using var a = ourSource.StartActivity("ours", ActivityKind.Server, context);
            using var b = theirSource.StartActivity("theirs", ActivityKind.Server, context);
            if (a!.Recorded != b!.Recorded)
            {
                disagreements++;
            }

            sampled += a.Recorded ? 1 : 0;
        }

        Assert.Equal(0, disagreements);
        Assert.InRange(sampled, 400, 800);
    }

    private sealed class UndefinedDecisionSampler : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
            => (ActivitySamplingResult)42;
    }

    [Fact]
    public void An_undefined_decision_from_our_user_sampler_does_not_stop_their_sdk_recording_a_shared_span()
    {
        // .NET keeps the largest answer of all listeners: an out-of-range 42 beats their AllDataAndRecorded, and an
        // Activity created with 42 is neither recording nor sampled.
        var name = TraceTestKit.UniqueSourceName("Undefined");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.AlwaysOnSampler(), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).SetSampler(new UndefinedDecisionSampler()).AddInMemoryExporter(ourSpans).Build();

        var span = source.StartActivity("shared");
        Assert.NotNull(span);
        Assert.True(span.Recorded);
        span.Dispose();

        Assert.Single(theirSpans);
    }

    [Fact]
    public void A_remote_unsampled_parent_that_their_sdk_records_anyway_is_recorded_for_ours_and_its_children_follow()
    {
        // traceparent ...-00: our ParentBased says drop, their AlwaysOn says record; .NET keeps the most detailed answer.
        var name = TraceTestKit.UniqueSourceName("RemoteUnsampled");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.AlwaysOnSampler(), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).AddInMemoryExporter(ourSpans).Build();
        Assert.True(ActivityContext.TryParse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null, isRemote: true, out var remote));

        using (var server = source.StartActivity("server", ActivityKind.Server, remote))
        {
            Assert.NotNull(server);
            Assert.True(server.Recorded);
            using var child = source.StartActivity("child");
            Assert.True(child!.Recorded); // a local sampled parent, for our ParentBased too
        }

        Assert.Equal(["child", "server"], ourSpans.Select(s => s.DisplayName).ToArray());
        Assert.Equal(2, theirSpans.Count);
    }

    [Fact]
    public void When_both_sdks_follow_an_unsampled_remote_parent_neither_exports_and_the_context_still_flows()
    {
        var name = TraceTestKit.UniqueSourceName("BothDrop");
        using var source = new ActivitySource(name);
        var ourSpans = new List<Activity>();
        var theirSpans = new ConcurrentQueue<Activity>();
        using var theirs = BuildTheirs(name, new Theirs.ParentBasedSampler(new Theirs.AlwaysOnSampler()), theirSpans);
        using var ours = Ours.TracerProvider.CreateBuilder().AddSource(name).AddInMemoryExporter(ourSpans).Build();
        Assert.True(ActivityContext.TryParse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", null, isRemote: true, out var remote));

        using (var server = source.StartActivity("server", ActivityKind.Server, remote))
        {
            Assert.NotNull(server);
            Assert.False(server.Recorded);
            Assert.Equal(remote.TraceId, server.TraceId);
        }

        Assert.Empty(ourSpans);
        Assert.Empty(theirSpans);
    }
}
