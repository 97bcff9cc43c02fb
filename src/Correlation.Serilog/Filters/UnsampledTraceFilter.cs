using System.Diagnostics;
using Correlation.Context;
using Correlation.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.Serilog.Filters;

/// <summary>
/// A Serilog filter that drops the events written inside a trace that is not sampled (the W3C sampled flag of the
/// current span is clear), so logs follow the tracing sampler's decision. Events outside any trace are kept. Dropped
/// events are counted (<see cref="DroppedCount"/>) and reported through the <c>Correlation</c> EventSource.
/// </summary>
/// <remarks>
/// The decision is made from the span current on the thread of the log call, which is where Serilog runs logger-level
/// filters. An event whose trace id is not the current span's (a filter placed behind an asynchronous wrapper) is kept,
/// since its sampling decision cannot be known there; an all-zero trace id, which is no valid id, counts as none.
/// </remarks>
public sealed class UnsampledTraceFilter : ILogEventFilter
{
    private long _dropped;

    /// <summary>How many events this filter has dropped since it was created.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Whether <paramref name="logEvent"/> is to be written.</summary>
    /// <param name="logEvent">The event.</param>
    /// <returns><see langword="false"/> for an event of an unsampled trace; otherwise <see langword="true"/>.</returns>
    public bool IsEnabled(LogEvent logEvent)
    {
        try
        {
            var span = TraceFieldSet.CurrentSpan();
            if (span is null || (span.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0)
            {
                return true;
            }

            // An all-zero id (an event built from zero bytes) is no valid id: such an event has no trace of its own.
            if (logEvent?.TraceId is { } traceId && traceId != span.TraceId && traceId.ToHexString().AsSpan().ContainsAnyExcept('0'))
            {
                return true;
            }

            var dropped = Interlocked.Increment(ref _dropped);

            // Report the running total at 1, 2, 4, 8, ... drops: visible from the first one, bounded in volume.
            if ((dropped & (dropped - 1)) == 0)
            {
                CorrelationEventSource.Log.Dropped("Correlation.Serilog.UnsampledTraceFilter", dropped, "events of unsampled traces (running total)");
            }

            return false;
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed("Correlation.Serilog.UnsampledTraceFilter", ex);
            return true;
        }
    }
}
