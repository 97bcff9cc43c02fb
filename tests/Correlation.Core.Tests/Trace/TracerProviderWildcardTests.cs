using System.Diagnostics;
using Correlation.Core.Tests.Support;
using Correlation.Trace;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

/// <summary>
/// A provider listening to "*" sees every source of the process, so these tests run alone (in the collection that
/// runs after the parallel tests) and cannot touch the spans of other tests.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public class TracerProviderWildcardTests
{
    [Fact]
    public void Star_listens_to_every_source_but_leaves_legacy_activities_alone()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        var legacy = new Activity("legacy");
        Activity? parent;
        using (TracerProvider.CreateBuilder()
            .AddSource("*")
            .SetSampler(new AlwaysOnSampler())
            .SetSpanLimits(new SpanLimits { AttributeCountLimit = 1 })
            .AddInMemoryExporter(spans)
            .Build())
        {
            using (parent = source.StartActivity("parent"))
            {
                // A legacy activity (no ActivitySource) under a sampled span inherits its sampled flag.
                legacy.SetTag("a", 1).SetTag("b", 2);
                legacy.Start();
                legacy.Stop();
            }
        }

        Assert.NotNull(parent);
        Assert.Contains(parent, spans);
        Assert.DoesNotContain(legacy, spans);
        Assert.Equal(2, legacy.TagObjects.Count());
    }
}
