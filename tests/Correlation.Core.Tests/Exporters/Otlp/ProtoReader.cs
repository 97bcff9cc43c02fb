using System.Buffers.Binary;
using System.Text;

namespace Correlation.Core.Tests.Exporters.Otlp;

/// <summary>A test-only protobuf wire decoder: a message is its list of fields, so tests can read what was written.</summary>
internal sealed class ProtoReader
{
    private readonly List<(int Field, int Wire, ulong Number, byte[] Bytes)> _fields = new();

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        var p = 0;
        while (p < data.Length)
        {
            var tag = ReadVarint(data, ref p);
            var field = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    _fields.Add((field, wire, ReadVarint(data, ref p), Array.Empty<byte>()));
                    break;
                case 1:
                    _fields.Add((field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data[p..]), Array.Empty<byte>()));
                    p += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(data, ref p);
                    _fields.Add((field, wire, 0, data.Slice(p, length).ToArray()));
                    p += length;
                    break;
                case 5:
                    _fields.Add((field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data[p..]), Array.Empty<byte>()));
                    p += 4;
                    break;
                default:
                    throw new FormatException("wire type " + wire);
            }
        }
    }

    public bool Has(int field) => _fields.Exists(f => f.Field == field);

    public ulong Number(int field) => _fields.Single(f => f.Field == field).Number;

    public ulong NumberOrZero(int field) => Has(field) ? Number(field) : 0;

    public double Double(int field) => BitConverter.UInt64BitsToDouble(Number(field));

    public byte[] Bytes(int field) => _fields.Single(f => f.Field == field).Bytes;

    public string Hex(int field) => Convert.ToHexStringLower(Bytes(field));

    public string String(int field) => Encoding.UTF8.GetString(Bytes(field));

    public ProtoReader Message(int field) => new(Bytes(field));

    public List<ProtoReader> Messages(int field) => _fields.Where(f => f.Field == field).Select(f => new ProtoReader(f.Bytes)).ToList();

    /// <summary>Reads KeyValue list at <paramref name="field"/> into key → decoded AnyValue.</summary>
    public Dictionary<string, object?> Attributes(int field)
    {
        var result = new Dictionary<string, object?>();
        foreach (var kv in Messages(field))
        {
            result[kv.String(1)] = AnyValue(kv.Message(2));
        }

        return result;
    }

    public static object? AnyValue(ProtoReader any)
    {
        if (any.Has(1))
        {
            return any.String(1);
        }

        if (any.Has(2))
        {
            return any.Number(2) != 0;
        }

        if (any.Has(3))
        {
            return (long)any.Number(3);
        }

        if (any.Has(4))
        {
            return any.Double(4);
        }

        if (any.Has(5))
        {
            return any.Message(5).Messages(1).Select(AnyValue).ToArray();
        }

        if (any.Has(7))
        {
            return any.Bytes(7);
        }

        return null;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int p)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[p++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
