using System.Diagnostics;
using Correlation.Diagnostics;

namespace Correlation.Trace;

/// <summary>Records exceptions on spans the way the OpenTelemetry specification says.</summary>
public static class ActivityExceptionExtensions
{
    /// <summary>
    /// Adds an <c>exception</c> event (with <c>exception.type</c>, <c>exception.message</c> and
    /// <c>exception.stacktrace</c>, through .NET's <see cref="Activity.AddException"/>) and sets the span's status to
    /// <see cref="ActivityStatusCode.Error"/> with the exception's message, unless it is already
    /// <see cref="ActivityStatusCode.Ok"/> (final, as the OpenTelemetry API says). Never throws.
    /// </summary>
    /// <param name="span">The span; nothing happens when it is <see langword="null"/> or not recording.</param>
    /// <param name="exception">The exception.</param>
    /// <returns>The span, for chaining.</returns>
    public static Activity? RecordException(this Activity? span, Exception? exception)
    {
        if (span is null || exception is null || !span.IsAllDataRequested)
        {
            return span;
        }

        try
        {
            span.AddException(exception);

            // An Ok status is final (OpenTelemetry API, "Set Status"): a handled failure recorded after it stays an event.
            if (span.Status != ActivityStatusCode.Ok)
            {
                span.SetStatus(ActivityStatusCode.Error, exception.Message);
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(nameof(RecordException), ex);
        }

        return span;
    }
}
