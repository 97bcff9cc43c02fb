using System.Globalization;
using System.Text;
using Correlation.Trace;
using NLog;
using NLog.Layouts;
using NLog.Targets;

namespace Correlation.NLog.Tests;

public class AllocationTests
{
    [Theory]
    [InlineData("${message} ${trace-id} ${span-id}", "hello 4bf92f3577b34da6a3ce929d0e0e4736 {span}")]
    [InlineData("${message} ${trace-id:format=datadog} ${span-id:format=datadog} ${parent-span-id:format=datadog}", "hello 11803532876627986230 {span-decimal} 67667974448284343")]
    [InlineData("${message} ${parent-span-id} ${trace-flags} ${trace-sampled} ${trace-state}", "hello 00f067aa0ba902b7 01 true a=b")]
    [InlineData("${message} ${trace-resource:item=service.name}", "hello {service}")]
    public void Rendering_allocates_nothing_beyond_the_message_alone_in_steady_state(string layoutText, string expected)
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
        var spanId = span.SpanId.ToHexString();
        expected = expected
            .Replace("{span-decimal}", ulong.Parse(spanId, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{span}", spanId, StringComparison.Ordinal)
            .Replace("{service}", Resource.Default.ServiceName, StringComparison.Ordinal);
        Assert.Equal(expected, builder.ToString());
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
