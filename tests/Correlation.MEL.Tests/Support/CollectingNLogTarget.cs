using System.Collections.Concurrent;
using NLog;
using NLog.Targets;

namespace Correlation.MEL.Tests.Support;

/// <summary>A real NLog target that keeps each event's formatted message and event properties.</summary>
internal sealed class CollectingNLogTarget : Target
{
    public ConcurrentQueue<(string Message, Dictionary<string, object?> Properties)> Events { get; } = new();

    /// <summary>A factory of its own (not NLog's global one), so tests can run in parallel.</summary>
    public static (LogFactory Factory, CollectingNLogTarget Target) CreateFactory()
    {
        var target = new CollectingNLogTarget { Name = "collect" };
        var factory = new LogFactory();
        var config = new NLog.Config.LoggingConfiguration(factory);
        config.AddRuleForAllLevels(target);
        factory.Configuration = config;
        return (factory, target);
    }

    public static string? Property(Dictionary<string, object?> properties, string name)
        => properties.TryGetValue(name, out var value) ? value?.ToString() : null;

    protected override void Write(LogEventInfo logEvent)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (logEvent.HasProperties)
        {
            foreach (var pair in logEvent.Properties)
            {
                properties[pair.Key.ToString()!] = pair.Value;
            }
        }

        Events.Enqueue((logEvent.FormattedMessage, properties));
    }
}
