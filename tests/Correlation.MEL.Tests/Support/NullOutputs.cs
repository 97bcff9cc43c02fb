using NLog;
using NLog.Targets;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.MEL.Tests.Support;

/// <summary>A Serilog sink that reads every property and keeps nothing (for allocation measurements).</summary>
internal sealed class CountingSerilogSink : ILogEventSink
{
    public long Properties { get; private set; }

    public void Emit(LogEvent logEvent) => Properties += logEvent.Properties.Count;
}

/// <summary>An NLog target that reads every property and keeps nothing.</summary>
internal sealed class CountingNLogTarget : Target
{
    public long Properties { get; private set; }

    protected override void Write(LogEventInfo logEvent) => Properties += logEvent.HasProperties ? logEvent.Properties.Count : 0;
}

/// <summary>An OpenTelemetry exporter that reads every attribute and keeps nothing.</summary>
internal sealed class CountingLogExporter : BaseExporter<LogRecord>
{
    public long Attributes { get; private set; }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            if (record.Attributes is { } attributes)
            {
                for (var i = 0; i < attributes.Count; i++)
                {
                    if (attributes[i].Value is not null)
                    {
                        Attributes++;
                    }
                }
            }
        }

        return ExportResult.Success;
    }
}
