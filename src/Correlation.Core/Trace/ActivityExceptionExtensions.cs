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
            // Read here, each guarded, and handed to AddException, which then reads none of them itself: an exception
            // whose Message or ToString throws still becomes an event and still fails the span.
            var message = Read(exception, static e => e.Message, "Message");
            var tags = new TagList
            {
                { "exception.message", message },
                { "exception.stacktrace", Read(exception, static e => e.ToString(), "ToString") },
                { "exception.type", exception.GetType().ToString() },
            };
            span.AddException(exception, tags);

            // An Ok status is final (OpenTelemetry API, "Set Status"): a handled failure recorded after it stays an event.
            if (span.Status != ActivityStatusCode.Ok)
            {
                span.SetStatus(ActivityStatusCode.Error, message);
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(nameof(RecordException), ex);
        }

        return span;
    }

    private static string Read(Exception exception, Func<Exception, string> member, string memberName)
    {
        try
        {
            return member(exception);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(nameof(RecordException) + " (" + exception.GetType().Name + "." + memberName + ")", ex);
            return "<" + memberName + " threw " + ex.GetType().FullName + ": " + SafeMessage(ex) + ">";
        }
    }

    private static string SafeMessage(Exception ex)
    {
        try
        {
            return ex.Message;
        }
        catch (Exception)
        {
            return string.Empty;
        }
    }
}
