using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Correlation.MEL.Tests.Support;

/// <summary>A real OpenTelemetry log exporter that copies what it is given: attributes, body and the record's own ids.</summary>
internal sealed class CollectingLogExporter : BaseExporter<LogRecord>
{
    public List<ExportedRecord> Records { get; } = [];

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        lock (Records)
        {
            foreach (var record in batch)
            {
                var attributes = new List<KeyValuePair<string, object?>>();
                if (record.Attributes is { } list)
                {
                    foreach (var pair in list)
                    {
                        attributes.Add(pair);
                    }
                }

                Records.Add(new ExportedRecord(attributes, record.FormattedMessage, record.Body, record.TraceId.ToHexString()));
            }
        }

        return ExportResult.Success;
    }
}

internal sealed record ExportedRecord(List<KeyValuePair<string, object?>> Attributes, string? FormattedMessage, string? Body, string TraceId)
{
    public object? Get(string key)
    {
        foreach (var pair in Attributes)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    public int CountOf(string key)
    {
        var count = 0;
        foreach (var pair in Attributes)
        {
            if (pair.Key == key)
            {
                count++;
            }
        }

        return count;
    }
}
