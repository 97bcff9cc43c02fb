using System.Text;
using NLog;
using NLog.Layouts;
using NLog.Targets;

namespace Correlation.NLog.Tests;

public class AllocationTests
{
    [Theory]
    [InlineData("${message} ${trace-id} ${span-id}")]
    [InlineData("${message} ${trace-id:format=datadog} ${span-id:format=datadog} ${parent-span-id:format=datadog}")]
    [InlineData("${message} ${parent-span-id} ${trace-flags} ${trace-sampled} ${trace-state}")]
    [InlineData("${message} ${trace-resource:item=service.name}")]
    public void Rendering_allocates_nothing_beyond_the_message_alone_in_steady_state(string layoutText)
    {
        using var baselineNLog = NLogHarness.ForLayout("${message}");
        using var oursNLog = NLogHarness.ForLayout(layoutText);
        var baseline = LayoutOf(baselineNLog);
        var ours = LayoutOf(oursNLog);
        using var span = NLogHarness.StartSpan(traceState: "a=b");
        var logEvent = LogEventInfo.Create(LogLevel.Info, "x", "hello");
        var builder = new StringBuilder(256);

        var baselineBytes = Measure(baseline, logEvent, builder);
        var oursBytes = Measure(ours, logEvent, builder);

        // The rendered text really holds the ids (so the measurement is of real work).
        builder.Clear();
        ours.Render(logEvent, builder);
        Assert.StartsWith("hello ", builder.ToString(), StringComparison.Ordinal);
        Assert.True(builder.Length > "hello ".Length);
        Assert.Equal(baselineBytes, oursBytes);
        Assert.Equal(0, oursBytes);
    }

    private static Layout LayoutOf(NLogHarness nlog) => nlog.Factory.Configuration!.FindTargetByName<MemoryTarget>("m")!.Layout;

    private static long Measure(Layout layout, LogEventInfo logEvent, StringBuilder builder)
    {
        for (var i = 0; i < 100; i++)
        {
            builder.Clear();
            layout.Render(logEvent, builder);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            builder.Clear();
            layout.Render(logEvent, builder);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
