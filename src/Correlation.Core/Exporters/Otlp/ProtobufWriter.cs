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

    /// <summary>The longest string whose UTF-8 (3 bytes per char at most) surely fits a one-byte length.</summary>
    public const int MaxOneByteLengthChars = 127 / 3;

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

    private static void WriteLongVarint(OtlpBuffer buffer, ulong value) => buffer.Advance(WriteVarint(buffer.GetSpan(10), 0, value));

    /// <summary>Writes a varint into <paramref name="span"/> at <paramref name="position"/> (room for 10 bytes); returns the position after it.</summary>
    public static int WriteVarint(Span<byte> span, int position, ulong value)
    {
        while (value >= 0x80)
        {
            span[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[position++] = (byte)value;
        return position;
    }

    /// <summary>The one-byte tag of a field numbered below 16.</summary>
    public static byte Tag(int field, int wireType) => (byte)((field << 3) | wireType);

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
