using System.Diagnostics;

namespace Correlation.Context;

/// <summary>The scope returned by <see cref="CapturedTraceContext.Restore"/>; disposing it puts back the previous context.</summary>
public readonly struct RestoredTraceContext : IDisposable
{
    private readonly Activity? _previousActivity;
    private readonly BaggageScope.Previous _previousBaggage;

    internal RestoredTraceContext(Activity? previousActivity, BaggageScope.Previous previousBaggage)
    {
        _previousActivity = previousActivity;
        _previousBaggage = previousBaggage;
    }

    /// <summary>
    /// Puts back the context that was current before <see cref="CapturedTraceContext.Restore"/>. When the span current
    /// then has stopped (before or during the scope), the runtime refuses to make it current again: its nearest running
    /// ancestor (or none) is made current instead, as its own <c>Stop</c> would have done, so the restored span never
    /// stays current after the scope. The OpenTelemetry baggage of this flow is put back as it was.
    /// </summary>
    public void Dispose()
    {
        // Nothing to undo when the restore was refused (a stopped captured span) or the work put the previous one back;
        // else Activity.Current's setter would ignore a stopped previous span and leave the restored one current.
        if (!ReferenceEquals(Activity.Current, _previousActivity))
        {
            Activity.Current = Running(_previousActivity);
        }

        BaggageScope.Exit(_previousBaggage);
    }

    private static Activity? Running(Activity? activity)
    {
        while (activity is { IsStopped: true })
        {
            activity = activity.Parent;
        }

        return activity;
    }
}
