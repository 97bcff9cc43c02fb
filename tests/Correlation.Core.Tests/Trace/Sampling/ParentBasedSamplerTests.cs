using System.Collections.Concurrent;
using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace.Sampling;

public class ParentBasedSamplerTests
{
    private static readonly ActivityTraceId TraceId = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");
    private static readonly ActivitySpanId ParentId = ActivitySpanId.CreateFromString("b7ad6b7169203331");

    private sealed class Probe(string name, ActivitySamplingResult result, ConcurrentQueue<string> calls) : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        {
            calls.Enqueue(name);
            return result;
        }
    }

    private sealed class Fixture : IDisposable
    {
        public Fixture(Func<ConcurrentQueue<string>, Sampler> sampler)
        {
            Activity.Current = null;
            Name = TraceTestKit.UniqueSourceName("ParentBased");
            Source = new ActivitySource(Name);
            Provider = TracerProvider.CreateBuilder().AddSource(Name).SetSampler(sampler(Calls)).Build();
        }

        public string Name { get; }

        public ConcurrentQueue<string> Calls { get; } = new();

        public ActivitySource Source { get; }

        public TracerProvider Provider { get; }

        public Activity? StartRemoteChild(ActivityTraceFlags flags, string? traceState = null)
            => Source.StartActivity("child", ActivityKind.Server, new ActivityContext(TraceId, ParentId, flags, traceState, isRemote: true));

        public void Dispose()
        {
            Provider.Dispose();
            Source.Dispose();
            Activity.Current = null;
        }
    }

    private static ParentBasedSampler Probes(ConcurrentQueue<string> calls, ActivitySamplingResult result) => new(
        new Probe("root", result, calls),
        new Probe("remoteParentSampled", result, calls),
        new Probe("remoteParentNotSampled", result, calls),
        new Probe("localParentSampled", result, calls),
        new Probe("localParentNotSampled", result, calls));

    [Fact]
    public void A_span_without_parent_asks_the_root_sampler()
    {
        using var f = new Fixture(calls => Probes(calls, ActivitySamplingResult.AllDataAndRecorded));
        using var span = f.Source.StartActivity("root");
        Assert.Equal(["root"], f.Calls);
        Assert.NotNull(span);
        Assert.True(span.Recorded);
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "remoteParentSampled")]
    [InlineData(ActivityTraceFlags.None, "remoteParentNotSampled")]
    public void A_remote_parent_asks_the_remote_delegate_for_its_flag(ActivityTraceFlags flags, string expected)
    {
        using var f = new Fixture(calls => Probes(calls, ActivitySamplingResult.AllDataAndRecorded));
        using var span = f.StartRemoteChild(flags);
        Assert.Equal([expected], f.Calls);
        Assert.NotNull(span);
        Assert.Equal(TraceId, span.TraceId);
        Assert.Equal(ParentId, span.ParentSpanId);
    }

    [Theory]
    [InlineData(ActivitySamplingResult.AllDataAndRecorded, "localParentSampled")]
    [InlineData(ActivitySamplingResult.PropagationData, "localParentNotSampled")]
    public void A_local_parent_asks_the_local_delegate_for_its_flag(ActivitySamplingResult rootDecision, string expected)
    {
        using var f = new Fixture(calls => new ParentBasedSampler(
            new Probe("root", rootDecision, calls),
            new Probe("remoteParentSampled", ActivitySamplingResult.AllDataAndRecorded, calls),
            new Probe("remoteParentNotSampled", ActivitySamplingResult.AllDataAndRecorded, calls),
            new Probe("localParentSampled", ActivitySamplingResult.AllDataAndRecorded, calls),
            new Probe("localParentNotSampled", ActivitySamplingResult.AllDataAndRecorded, calls)));
        using var parent = f.Source.StartActivity("parent");
        using var child = f.Source.StartActivity("child");
        Assert.Equal(["root", expected], f.Calls);
        Assert.NotNull(child);
        Assert.Equal(parent!.SpanId, child.ParentSpanId);
    }

    [Fact]
    public void Default_delegates_follow_the_parent_for_remote_and_local_parents()
    {
        using var f = new Fixture(_ => new ParentBasedSampler(new AlwaysOnSampler()));
        using (var sampled = f.StartRemoteChild(ActivityTraceFlags.Recorded))
        {
            Assert.True(sampled!.Recorded);
            using var localChild = f.Source.StartActivity("local-child-of-sampled");
            Assert.True(localChild!.Recorded);
        }

        using (var notSampled = f.StartRemoteChild(ActivityTraceFlags.None))
        {
            Assert.NotNull(notSampled);
            Assert.False(notSampled.Recorded);
            Assert.False(notSampled.IsAllDataRequested);
            using var localChild = f.Source.StartActivity("local-child-of-unsampled");
            Assert.NotNull(localChild);
            Assert.False(localChild.Recorded);
            Assert.Equal(notSampled.SpanId, localChild.ParentSpanId);
        }
    }

    [Fact]
    public void ParentBased_always_off_root_drops_roots_but_follows_sampled_parents()
    {
        using var f = new Fixture(_ => new ParentBasedSampler(new AlwaysOffSampler()));
        using (var root = f.Source.StartActivity("root"))
        {
            Assert.NotNull(root);
            Assert.False(root.Recorded);
        }

        using var child = f.StartRemoteChild(ActivityTraceFlags.Recorded);
        Assert.True(child!.Recorded);
    }

    [Fact]
    public void ParentBased_ratio_root_decides_roots_by_trace_id_and_follows_parents_otherwise()
    {
        var ratio = new TraceIdRatioSampler(0.5);
        using var f = new Fixture(_ => new ParentBasedSampler(ratio));
        var sampledRoots = 0;
        for (var i = 0; i < 400; i++)
        {
            using var root = f.Source.StartActivity("root");
            Assert.NotNull(root);
            Assert.Equal(ratio.IsSampled(root.TraceId), root.Recorded);
            sampledRoots += root.Recorded ? 1 : 0;
        }

        Assert.InRange(sampledRoots, 1, 399);

        // A trace id the ratio would drop, under a sampled parent: the parent wins; and the other way round.
        var dropped = ActivityTraceId.CreateFromString("7fffffffffffffff0000000000000001");
        var kept = ActivityTraceId.CreateFromString("00000000000000010000000000000001");
        Assert.False(ratio.IsSampled(dropped));
        Assert.True(ratio.IsSampled(kept));
        using (var child = f.Source.StartActivity("c1", ActivityKind.Server, new ActivityContext(dropped, ParentId, ActivityTraceFlags.Recorded, isRemote: true)))
        {
            Assert.True(child!.Recorded);
        }

        using (var child = f.Source.StartActivity("c2", ActivityKind.Server, new ActivityContext(kept, ParentId, ActivityTraceFlags.None, isRemote: true)))
        {
            Assert.NotNull(child);
            Assert.False(child.Recorded);
        }
    }

    [Fact]
    public void Links_are_not_consulted()
    {
        using var f = new Fixture(_ => new ParentBasedSampler(new AlwaysOffSampler()));
        var sampledLink = new ActivityLink(new ActivityContext(TraceId, ParentId, ActivityTraceFlags.Recorded, isRemote: true));
        using var span = f.Source.StartActivity("fan-in", ActivityKind.Consumer, default(ActivityContext), links: [sampledLink]);
        Assert.NotNull(span);
        Assert.False(span.Recorded);
    }

    private sealed class TraceStateSetter(string member, ActivitySamplingResult result) : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        {
            // TraceState is init-only: the sampler replaces the options it was handed by ref.
            options = options with { TraceState = member + (options.Parent.TraceState is { Length: > 0 } parent ? "," + parent : string.Empty) };
            return result;
        }
    }

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, ActivitySamplingResult.AllDataAndRecorded, "remoteSampled=1")]
    [InlineData(ActivityTraceFlags.None, ActivitySamplingResult.PropagationData, "remoteNotSampled=1")]
    public void The_tracestate_chosen_by_the_delegate_sampler_reaches_the_span_whatever_the_decision(
        ActivityTraceFlags flags, ActivitySamplingResult result, string member)
    {
        // ActivitySource alone would copy the parent's tracestate: the delegate's own member proves the sampler chain
        // hands the delegate the real options (by ref) and keeps what it decided.
        using var f = new Fixture(_ => new ParentBasedSampler(
            new TraceStateSetter("root=1", result),
            new TraceStateSetter("remoteSampled=1", result),
            new TraceStateSetter("remoteNotSampled=1", result),
            new TraceStateSetter("localSampled=1", result),
            new TraceStateSetter("localNotSampled=1", result)));

        using var span = f.StartRemoteChild(flags, "vendor=abc,other=1");

        Assert.NotNull(span);
        Assert.Equal(member + ",vendor=abc,other=1", span.TraceStateString);
        Assert.Equal(result == ActivitySamplingResult.AllDataAndRecorded, span.Recorded);
    }

    [Fact]
    public void Null_root_is_a_configuration_error()
        => Assert.Throws<ArgumentNullException>(() => new ParentBasedSampler(null!));

    [Fact]
    public void A_delegate_that_drops_the_child_of_a_recording_parent_leaves_the_parent_exported_and_the_child_unsampled()
    {
        var name = TraceTestKit.UniqueSourceName("DropChild");
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name)
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler(), localParentSampled: new AlwaysOffSampler()))
            .AddInMemoryExporter(spans).Build();

        using (var parent = source.StartActivity("parent"))
        {
            using var child = source.StartActivity("child");
            Assert.NotNull(child);
            // .NET copies the Recorded flag of Activity.Current into a child whatever the samplers said: the dropped
            // child then claimed sampled=01 downstream and in its logs, and its own children were sampled, orphaned.
            Assert.False(child.Recorded);
            Assert.False(child.IsAllDataRequested);
            Assert.EndsWith("-00", child.Id, StringComparison.Ordinal);
            Assert.Equal(parent!.TraceId, child.TraceId);
            Assert.Equal(parent.SpanId, child.ParentSpanId);
            using var grandchild = source.StartActivity("grandchild");
            Assert.False(grandchild!.Recorded); // local unsampled parent: the default AlwaysOff
        }

        Assert.Equal("parent", Assert.Single(spans).DisplayName);
    }
}
