using System.Diagnostics.Tracing;

namespace Correlation.Diagnostics;

/// <summary>
/// The library's one self-diagnostics channel (visible to dotnet-trace, dotnet-counters and any
/// <see cref="EventListener"/> under the name <c>Correlation</c>). Every swallowed error, dropped item and
/// ignored configuration value is reported here, never thrown into the application.
/// </summary>
[EventSource(Name = "Correlation")]
internal sealed class CorrelationEventSource : EventSource
{
    public static readonly CorrelationEventSource Log = new();

    private CorrelationEventSource()
    {
    }

    /// <summary>A user callback or library component threw; the library used a safe default.</summary>
    [NonEvent]
    public void Swallowed(string component, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            ErrorSwallowed(component, exception.GetType().FullName + ": " + exception.Message);
        }
    }

    [Event(1, Level = EventLevel.Error, Message = "{0} failed and was ignored: {1}")]
    public void ErrorSwallowed(string component, string error) => WriteEvent(1, component, error);

    [Event(2, Level = EventLevel.Warning, Message = "Configuration value {0}='{1}' ignored: {2}")]
    public void InvalidConfiguration(string setting, string value, string reason) => WriteEvent(2, setting, value, reason);

    [Event(3, Level = EventLevel.Warning, Message = "{0} dropped {1} item(s): {2}")]
    public void Dropped(string component, long count, string reason) => WriteEvent(3, component, count, reason);

    [Event(4, Level = EventLevel.Warning, Message = "{0} could not export: {1}")]
    public void ExportFailed(string exporter, string reason) => WriteEvent(4, exporter, reason);

    [Event(5, Level = EventLevel.Informational, Message = "{0}: {1}")]
    public void Information(string component, string message) => WriteEvent(5, component, message);

    [Event(6, Level = EventLevel.Warning, Message = "{0}: {1}")]
    public void Warning(string component, string message) => WriteEvent(6, component, message);
}
