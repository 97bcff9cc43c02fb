using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.MEL.Tests.Support;

/// <summary>A real Serilog sink that keeps the events it receives.</summary>
internal sealed class CollectingSerilogSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public static string? Scalar(LogEvent logEvent, string name)
        => logEvent.Properties.TryGetValue(name, out var value) && value is ScalarValue scalar ? scalar.Value?.ToString() : null;
}
