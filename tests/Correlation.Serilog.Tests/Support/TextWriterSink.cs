using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Correlation.Serilog.Tests.Support;

/// <summary>Writes each event through a real Serilog formatter (what a console or file sink does), into a string.</summary>
internal sealed class TextWriterSink(ITextFormatter formatter) : ILogEventSink
{
    private readonly StringWriter _writer = new();

    public string Text
    {
        get
        {
            lock (_writer)
            {
                return _writer.ToString();
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_writer)
        {
            formatter.Format(logEvent, _writer);
        }
    }
}
