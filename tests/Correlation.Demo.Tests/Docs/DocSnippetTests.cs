using System.Diagnostics;
using Correlation.Context;
using Correlation.Exporters.Otlp;
using Correlation.Propagation;
using Correlation.Trace;
using OpenTelemetry;

namespace Correlation.Demo.Tests.Docs;

/// <summary>
/// The code samples of README.md and docs/*.md, copied as written (only the surrounding declarations added), so a
/// sample that stops compiling or stops doing what its comment says fails here.
/// </summary>
[Collection(EndToEnd.ScenarioCollection.Name)]
public sealed class DocSnippetTests
{
    [Fact]
    public void Readme_crossing_boundaries()
    {
        using var source = new ActivitySource("Docs.Readme.Crossing");
        using var listener = ListenTo(source.Name);
        using var span = source.StartActivity("work")!;
        string? seen = null;
        using var done = new ManualResetEventSlim();
        void Log()
        {
            seen = Activity.Current?.TraceId.ToHexString();
            done.Set();
        }

        // README.md, "Crossing boundaries":
        var captured = CapturedTraceContext.Capture();          // where the work is queued
        ThreadPool.UnsafeQueueUserWorkItem(_ => { using (captured.Restore()) Log(); }, null);   // where it runs

        Assert.True(done.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(span.TraceId.ToHexString(), seen);
    }

    private static ActivityListener ListenTo(string name)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
