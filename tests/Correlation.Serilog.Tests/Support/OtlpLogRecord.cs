using System.Globalization;
using System.Text;

namespace Correlation.Serilog.Tests.Support;

/// <summary>
/// One OTLP log record read from an <c>ExportLogsServiceRequest</c> (protobuf wire format, decoded by hand: the sink's
/// generated OTLP types are internal). Only what the tests look at: trace id, span id and attributes.
/// </summary>
internal sealed record OtlpLogRecord(string TraceId, string SpanId, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public static List<OtlpLogRecord> Parse(byte[] exportLogsServiceRequest)
    {
        var records = new List<OtlpLogRecord>();
        foreach (var resourceLogs in Fields(exportLogsServiceRequest, 1))
        {
            foreach (var scopeLogs in Fields(resourceLogs, 2))
            {
                foreach (var record in Fields(scopeLogs, 2))
                {
                    records.Add(ParseRecord(record));
                }
            }
        }

        return records;
    }

    private static OtlpLogRecord ParseRecord(ReadOnlyMemory<byte> record)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Fields(record, 6))
        {
            var key = Encoding.UTF8.GetString(Fields(keyValue, 1).Single().Span);
            attributes[key] = AnyValue(Fields(keyValue, 2).Single());
        }

        var traceId = Fields(record, 9).Select(f => Convert.ToHexStringLower(f.Span)).SingleOrDefault() ?? string.Empty;
        var spanId = Fields(record, 10).Select(f => Convert.ToHexStringLower(f.Span)).SingleOrDefault() ?? string.Empty;
        return new OtlpLogRecord(traceId, spanId, attributes);
    }

    private static string AnyValue(ReadOnlyMemory<byte> value)
    {
        var data = value.Span;
        var position = 0;
        var tag = ReadVarint(data, ref position);
        var number = ReadVarint(data, ref position);
        return (tag >> 3, tag & 7) switch
        {
            (1, 2) => Encoding.UTF8.GetString(data.Slice(position, (int)number)),
            (3, 0) => ((long)number).ToString(CultureInfo.InvariantCulture),
            (2, 0) => (number != 0).ToString(),
            _ => $"<field {tag >> 3}>",
        };
    }

    // Every length-delimited occurrence of field `number` in a message.
    private static List<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int number)
    {
        var found = new List<ReadOnlyMemory<byte>>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(message.Span, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    if ((int)(tag >> 3) == number)
                    {
                        found.Add(message.Slice(position, length));
                    }

                    position += length;
                    break;
                default:
                    throw new FormatException($"Unexpected wire type {tag & 7}.");
            }
        }

        return found;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }
}
