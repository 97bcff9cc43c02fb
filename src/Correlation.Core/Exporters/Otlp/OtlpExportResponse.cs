using System.Text.Json;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Reads the <c>partial_success</c> of an <c>ExportTraceServiceResponse</c> (field 1: rejected_spans = 1 int64,
/// error_message = 2 string) from a protobuf or JSON body. A body it cannot read counts as full success: the server
/// answered 2xx.
/// </summary>
internal static class OtlpExportResponse
{
    public static bool TryReadPartialSuccess(ReadOnlySpan<byte> body, bool json, out long rejected, out string? message)
    {
        rejected = 0;
        message = null;
        if (body.Length <= 2)
        {
            return false;
        }

        try
        {
            return json ? TryReadJson(body, out rejected, out message) : TryReadProtobuf(body, out rejected, out message);
        }
        catch (Exception)
        {
            // Whatever the body holds, the server answered 2xx: an unreadable answer is a full success, never an error.
            rejected = 0;
            message = null;
            return false;
        }
    }

    private static bool TryReadJson(ReadOnlySpan<byte> body, out long rejected, out string? message)
    {
        rejected = 0;
        message = null;
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("partialSuccess", out var partial) || partial.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (partial.TryGetProperty("rejectedSpans", out var count))
        {
            rejected = count.ValueKind == JsonValueKind.String
                ? long.Parse(count.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                : count.GetInt64();
        }

        if (partial.TryGetProperty("errorMessage", out var text) && text.ValueKind == JsonValueKind.String)
        {
            message = text.GetString();
        }

        return rejected != 0 || !string.IsNullOrEmpty(message);
    }

    private static bool TryReadProtobuf(ReadOnlySpan<byte> body, out long rejected, out string? message)
    {
        rejected = 0;
        message = null;
        var found = false;
        var position = 0;
        while (position < body.Length)
        {
            var tag = ReadVarint(body, ref position);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (field == 1 && wire == ProtobufWriter.WireLengthDelimited)
            {
                var length = ReadLength(body, ref position);
                var inner = body.Slice(position, length);
                position += length;
                var p = 0;
                while (p < inner.Length)
                {
                    var innerTag = ReadVarint(inner, ref p);
                    var innerField = (int)(innerTag >> 3);
                    var innerWire = (int)(innerTag & 7);
                    if (innerField == 1 && innerWire == ProtobufWriter.WireVarint)
                    {
                        rejected = (long)ReadVarint(inner, ref p);
                    }
                    else if (innerField == 2 && innerWire == ProtobufWriter.WireLengthDelimited)
                    {
                        var textLength = ReadLength(inner, ref p);
                        message = System.Text.Encoding.UTF8.GetString(inner.Slice(p, textLength));
                        p += textLength;
                    }
                    else
                    {
                        Skip(inner, ref p, innerWire);
                    }
                }

                found = rejected != 0 || !string.IsNullOrEmpty(message);
            }
            else
            {
                Skip(body, ref position, wire);
            }
        }

        return found;
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int wire)
    {
        switch (wire)
        {
            case ProtobufWriter.WireVarint:
                ReadVarint(data, ref position);
                break;
            case ProtobufWriter.WireFixed64:
                position += Remaining(data, position, 8);
                break;
            case ProtobufWriter.WireLengthDelimited:
                // Two statements: in "position += ReadLength(ref position)" the old position would be read first.
                var length = ReadLength(data, ref position);
                position += length;
                break;
            case ProtobufWriter.WireFixed32:
                position += Remaining(data, position, 4);
                break;
            default:
                throw new FormatException("Unsupported protobuf wire type " + wire);
        }
    }

    /// <summary>Reads a length prefix and checks it against what is left, so <c>position + length</c> can never wrap.</summary>
    private static int ReadLength(ReadOnlySpan<byte> data, ref int position)
    {
        var length = ReadVarint(data, ref position);
        return Remaining(data, position, length);
    }

    private static int Remaining(ReadOnlySpan<byte> data, int position, ulong length)
    {
        if (length > (ulong)(data.Length - position))
        {
            throw new FormatException("Truncated protobuf message.");
        }

        return (int)length;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("Truncated varint.");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Varint too long.");
    }
}
