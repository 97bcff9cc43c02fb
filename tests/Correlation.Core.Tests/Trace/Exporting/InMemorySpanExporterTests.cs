using System.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Core.Tests.Trace.Exporting;

public class InMemorySpanExporterTests
{
    [Fact]
    public void Export_adds_the_whole_batch_in_order_to_the_callers_collection()
    {
        var spans = new List<Activity>();
        using var exporter = new InMemorySpanExporter(spans);
        var batch = new[] { TraceTestKit.NewRecordedSpan("a"), TraceTestKit.NewRecordedSpan("b") };

        Assert.Equal(ExportResult.Success, exporter.Export(batch));
        Assert.Equal(batch, spans);
        Assert.Throws<ArgumentNullException>(() => new InMemorySpanExporter(null!));
    }
}
