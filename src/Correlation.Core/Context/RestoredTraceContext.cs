using System.Diagnostics;

namespace Correlation.Context;

/// <summary>The scope returned by <see cref="CapturedTraceContext.Restore"/>; disposing it puts back the previous context.</summary>
public readonly struct RestoredTraceContext : IDisposable
{
    private readonly Activity? _previousActivity;
    private readonly OpenTelemetry.Baggage _previousBaggage;

    internal RestoredTraceContext(Activity? previousActivity, OpenTelemetry.Baggage previousBaggage)
    {
        _previousActivity = previousActivity;
        _previousBaggage = previousBaggage;
    }

    /// <summary>Puts back the context that was current before <see cref="CapturedTraceContext.Restore"/>.</summary>
    public void Dispose() => CapturedTraceContext.Set(_previousActivity, _previousBaggage);
}
