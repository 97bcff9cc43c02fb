using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Correlation.Demo.Logging;

/// <summary>Writes each Serilog event as compact JSON (CLEF, message rendered) into the capture.</summary>
internal sealed class SerilogCaptureSink(LogCapture capture) : ILogEventSink
{
    private readonly RenderedCompactJsonFormatter _formatter = new();

    /// <inheritdoc/>
    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        capture.Add(LogFrameworks.Serilog, writer.ToString());
    }
}
