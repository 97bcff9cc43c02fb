using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// The protobuf wire format, hand-written (no code generator), appending to an <see cref="OtlpBuffer"/>. Nested messages
/// reserve a fixed four-byte length that is patched when the message ends (a padded varint, which every protobuf
/// parser accepts), so a message is written in one pass, as opentelemetry-dotnet does.
/// </summary>
internal static class ProtobufWriter
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    private const int ReservedLengthBytes = 4;

    private const int MaxOneByteLengthChars = 127 / 3;

    // A short KeyValue: tag, length, key tag, key length, key (at most 126 bytes), value tag, value length, then an
    // AnyValue of at most 2 + 126 bytes (a short string; a varint or a double is shorter).
    private const int MaxShortKeyValueBytes = 4 + (3 * MaxOneByteLengthChars) + 2 + 2 + (3 * MaxOneByteLengthChars);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteTag(OtlpBuffer buffer, int field, int wireType) => WriteVarint(buffer, (uint)((field << 3) | wireType));

    /// <summary>Writes a varint; the one-byte case (every tag here, most lengths and small numbers) is inlined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteVarint(OtlpBuffer buffer, ulong value)
    {
        if (value < 0x80)
        {
            buffer.WriteByte((byte)value);
            return;
        }

        WriteLongVarint(buffer, value);
    }

    private static void WriteLongVarint(OtlpBuffer buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        buffer.Advance(i);
    }

    /// <summary>
    /// Writes a <c>KeyValue</c> (common.proto: key 1, value 2; <c>AnyValue</c> string 1, bool 2, int 3, double 4) whose
    /// key and value are short, in one step: one capacity check, every length known as it is written, nothing patched
    /// or moved afterwards. Most attributes have this shape. Returns <see langword="false"/>, having written nothing,
    /// for any other shape (a long key or string, another kind of value, a message of 128 bytes or more): the caller
    /// then writes it the general way.
    /// </summary>
    public static bool TryWriteShortKeyValue(OtlpBuffer buffer, int field, string key, object value, OtlpValueKind kind)
    {
        if (field >= 16 || key.Length > MaxOneByteLengthChars)
        {
            return false;
        }

        string? text = null;
        if (kind == OtlpValueKind.String)
        {
            text = (string)value;
            if (text.Length > MaxOneByteLengthChars)
            {
                return false;
            }
        }
        else if (kind is not (OtlpValueKind.Bool or OtlpValueKind.Int or OtlpValueKind.Double))
        {
            return false;
        }

        var span = buffer.GetSpan(MaxShortKeyValueBytes);
        span[0] = (byte)((field << 3) | WireLengthDelimited);
        span[2] = (1 << 3) | WireLengthDelimited;
        var keyBytes = Encoding.UTF8.GetBytes(key, span[4..]);
        span[3] = (byte)keyBytes;
        var p = 4 + keyBytes;
        span[p] = (2 << 3) | WireLengthDelimited;
        var anyLengthAt = p + 1;
        p += 2;
        switch (kind)
        {
            case OtlpValueKind.String:
                span[p] = (1 << 3) | WireLengthDelimited;
                var textBytes = Encoding.UTF8.GetBytes(text, span[(p + 2)..]);
                span[p + 1] = (byte)textBytes;
                p += 2 + textBytes;
                break;
            case OtlpValueKind.Bool:
                span[p] = (2 << 3) | WireVarint;
                span[p + 1] = (bool)value ? (byte)1 : (byte)0;
                p += 2;
                break;
            case OtlpValueKind.Int:
                span[p] = (3 << 3) | WireVarint;
                var v = unchecked((ulong)OtlpValue.ToInt64(value));
                p++;
                while (v >= 0x80)
                {
                    span[p++] = (byte)(v | 0x80);
                    v >>= 7;
                }

                span[p++] = (byte)v;
                break;
            default:
                span[p] = (4 << 3) | WireFixed64;
                BinaryPrimitives.WriteDoubleLittleEndian(span[(p + 1)..], OtlpValue.ToDouble(value));
                p += 9;
                break;
        }

        var anyLength = p - anyLengthAt - 1;
        var keyValueLength = p - 2;
        if (keyValueLength >= 0x80)
        {
            return false;
        }

        span[anyLengthAt] = (byte)anyLength;
        span[1] = (byte)keyValueLength;
        buffer.Advance(p);
        return true;
    }

    public static void WriteVarintField(OtlpBuffer buffer, int field, ulong value)
    {
        WriteTag(buffer, field, WireVarint);
        WriteVarint(buffer, value);
    }

    public static void WriteInt64Field(OtlpBuffer buffer, int field, long value) => WriteVarintField(buffer, field, unchecked((ulong)value));

    public static void WriteBoolField(OtlpBuffer buffer, int field, bool value) => WriteVarintField(buffer, field, value ? 1UL : 0UL);

    public static void WriteFixed64Field(OtlpBuffer buffer, int field, ulong value)
    {
        WriteTag(buffer, field, WireFixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    public static void WriteFixed32Field(OtlpBuffer buffer, int field, uint value)
    {
        WriteTag(buffer, field, WireFixed32);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    public static void WriteDoubleField(OtlpBuffer buffer, int field, double value)
    {
        WriteTag(buffer, field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    public static void WriteStringField(OtlpBuffer buffer, int field, string value) => WriteStringField(buffer, field, value.AsSpan());

    public static void WriteStringField(OtlpBuffer buffer, int field, ReadOnlySpan<char> value)
    {
        WriteTag(buffer, field, WireLengthDelimited);
        if (value.Length <= MaxOneByteLengthChars)
        {
            // At most 3 UTF-8 bytes per UTF-16 char, so the length fits one varint byte: encode in one pass, then patch it.
            var span = buffer.GetSpan(1 + (value.Length * 3));
            var encoded = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)encoded;
            buffer.Advance(1 + encoded);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVarint(buffer, (uint)byteCount);
        if (byteCount > 0)
        {
            var written = Encoding.UTF8.GetBytes(value, buffer.GetSpan(byteCount));
            buffer.Advance(written);
        }
    }

    public static void WriteBytesField(OtlpBuffer buffer, int field, ReadOnlySpan<byte> value)
    {
        WriteTag(buffer, field, WireLengthDelimited);
        WriteVarint(buffer, (uint)value.Length);
        if (value.Length > 0)
        {
            value.CopyTo(buffer.GetSpan(value.Length));
            buffer.Advance(value.Length);
        }
    }

    /// <summary>Starts an embedded message; returns the position of its reserved length for <see cref="EndMessage"/>.</summary>
    public static int BeginMessage(OtlpBuffer buffer, int field)
    {
        WriteTag(buffer, field, WireLengthDelimited);
        var position = buffer.Length;
        buffer.GetSpan(ReservedLengthBytes);
        buffer.Advance(ReservedLengthBytes);
        return position;
    }

    /// <summary>
    /// Starts an embedded message that is usually short (an attribute, a value, an event): one byte is reserved for its
    /// length, and <see cref="EndShortMessage"/> moves the body right in the rare case it needs more. Saves three bytes
    /// per message against <see cref="BeginMessage"/>, which matters for attributes (two messages each).
    /// </summary>
    public static int BeginShortMessage(OtlpBuffer buffer, int field)
    {
        WriteTag(buffer, field, WireLengthDelimited);
        var position = buffer.Length;
        buffer.WriteByte(0);
        return position;
    }

    public static void EndShortMessage(OtlpBuffer buffer, int lengthPosition)
    {
        var length = buffer.Length - lengthPosition - 1;
        if (length < 0x80)
        {
            buffer.Array[lengthPosition] = (byte)length;
            return;
        }

        var extra = VarintSize((uint)length) - 1;
        buffer.Ensure(extra);
        var array = buffer.Array;

        // Span.CopyTo is correct for overlapping ranges.
        array.AsSpan(lengthPosition + 1, length).CopyTo(array.AsSpan(lengthPosition + 1 + extra));
        buffer.Advance(extra);
        var value = (uint)length;
        var p = lengthPosition;
        while (value >= 0x80)
        {
            array[p++] = (byte)(value | 0x80);
            value >>= 7;
        }

        array[p] = (byte)value;
    }

    private static int VarintSize(uint value) => value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;

    public static void EndMessage(OtlpBuffer buffer, int lengthPosition)
    {
        var length = buffer.Length - lengthPosition - ReservedLengthBytes;
        if (length >= 1 << 28)
        {
            throw new InvalidOperationException("An OTLP message larger than 256 MiB cannot be written.");
        }

        var span = buffer.Array.AsSpan(lengthPosition, ReservedLengthBytes);
        span[0] = (byte)((length & 0x7F) | 0x80);
        span[1] = (byte)(((length >> 7) & 0x7F) | 0x80);
        span[2] = (byte)(((length >> 14) & 0x7F) | 0x80);
        span[3] = (byte)((length >> 21) & 0x7F);
    }
}
