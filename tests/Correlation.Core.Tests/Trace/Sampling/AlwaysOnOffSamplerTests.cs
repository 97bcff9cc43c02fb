using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace.Sampling;

public class AlwaysOnOffSamplerTests
{
    [Fact]
    public void AlwaysOn_records_and_samples_roots_and_children_of_unsampled_parents()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).Build();
        Activity.Current = null;
        using var root = source.StartActivity("root");
        Assert.True(root!.Recorded);
        using var child = source.StartActivity("child", ActivityKind.Server, new ActivityContext(
            ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true));
        Assert.True(child!.Recorded);
    }

    [Fact]
    public void AlwaysOff_still_gives_a_valid_unsampled_context_and_no_processor_sees_it()
    {
        var name = TraceTestKit.UniqueSourceName();
        var exported = new List<Activity>();
        using var source = new ActivitySource(name);
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOffSampler())
            .AddInMemoryExporter(exported).Build();
        Activity.Current = null;
        using (var span = source.StartActivity("dropped"))
        {
            Assert.NotNull(span);
            Assert.Same(span, Activity.Current);
            Assert.NotEqual(default, span.TraceId);
            Assert.NotEqual(default, span.SpanId);
            Assert.False(span.Recorded);
            Assert.False(span.IsAllDataRequested);
            Assert.Equal("00-" + span.TraceId.ToHexString() + "-" + span.SpanId.ToHexString() + "-00", span.Id);
        }

        Assert.Empty(exported);
    }
}
