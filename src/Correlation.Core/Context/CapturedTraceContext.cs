using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// Carries the trace context (current <see cref="Activity"/> and OpenTelemetry baggage) across a boundary where .NET
/// does not flow <see cref="ExecutionContext"/>: <see cref="ThreadPool.UnsafeQueueUserWorkItem(WaitCallback, object)"/>,
/// work started under <see cref="ExecutionContext.SuppressFlow"/>, callbacks from native or third-party code.
/// Capture where the work is queued; restore where it runs.
/// </summary>
/// <example>
/// <code>
/// var captured = CapturedTraceContext.Capture();
/// ThreadPool.UnsafeQueueUserWorkItem(_ => { using var scope = captured.Restore(); logger.Information("handled"); }, null);
/// </code>
/// </example>
public readonly struct CapturedTraceContext
{
    private readonly OpenTelemetry.Baggage _baggage;

    private CapturedTraceContext(Activity? activity, OpenTelemetry.Baggage baggage)
    {
        Activity = activity;
        _baggage = baggage;
    }

    /// <summary>The captured activity, or <see langword="null"/> when none was current.</summary>
    public Activity? Activity { get; }

    /// <summary>Captures the current context.</summary>
    /// <returns>The captured context.</returns>
    public static CapturedTraceContext Capture() => new(Activity.Current, OpenTelemetry.Baggage.Current);

    /// <summary>
    /// Makes the captured context current until the returned scope is disposed, which puts back what was current
    /// before (a span that stopped meanwhile cannot be: then its nearest running ancestor, or none). The baggage is made
    /// current in this flow alone: the flow that forked this one, and its other children, keep seeing their own. A
    /// captured span that has already stopped cannot be made current again (the runtime refuses it): the current
    /// activity is then left as it was, while the captured OpenTelemetry baggage is still made current.
    /// </summary>
    /// <returns>A scope to dispose when the work is done.</returns>
    public RestoredTraceContext Restore()
    {
        var previousActivity = Activity.Current;
        var previousBaggage = BaggageScope.Enter(_baggage);
        Activity.Current = Activity;
        return new RestoredTraceContext(previousActivity, previousBaggage);
    }

    /// <summary>Runs <paramref name="action"/> inside the captured context.</summary>
    /// <param name="action">The work.</param>
    public void Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = Restore();
        action();
    }
}
