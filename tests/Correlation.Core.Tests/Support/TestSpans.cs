using System.Diagnostics;

namespace Correlation.Core.Tests.Support;

/// <summary>A real ActivitySource with a listener that records everything, unique per instance.</summary>
internal sealed class TestSpans : IDisposable
{
    private readonly ActivityListener _listener;

    public TestSpans(ActivitySamplingResult result = ActivitySamplingResult.AllDataAndRecorded)
    {
        Source = new ActivitySource("Correlation.Tests." + Guid.NewGuid().ToString("N"));
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, Source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => result,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivitySource Source { get; }

    public Activity Start(string name = "span") => Source.StartActivity(name) ?? throw new InvalidOperationException("not sampled");

    public Activity StartWithRemoteParent(string traceId, string spanId, ActivityTraceFlags flags = ActivityTraceFlags.Recorded, string? traceState = null)
        => Source.StartActivity(
               "remote-child",
               ActivityKind.Server,
               new ActivityContext(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(spanId), flags, traceState, isRemote: true))
           ?? throw new InvalidOperationException("not sampled");

    public void Dispose()
    {
        _listener.Dispose();
        Source.Dispose();
    }
}
