using System.Buffers;
using System.Runtime.CompilerServices;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/> and reused across exports, so steady-state
/// serialisation allocates nothing. It is the <see cref="IBufferWriter{T}"/> behind both the protobuf and JSON writers.
/// </summary>
internal sealed class OtlpBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _length;

    public OtlpBuffer(int initialCapacity = 64 * 1024)
    {
        _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Length => _length;

    public byte[] Array => _array;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Clear() => _length = 0;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_array.Length - _length < Math.Max(sizeHint, 1))
        {
            Grow(sizeHint);
        }

        return _array.AsSpan(_length);
    }

    /// <summary>Appends one byte (tags and short lengths, the most frequent writes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }

        _array[_length++] = value;
    }

    /// <summary>Makes room for at least <paramref name="count"/> more bytes.</summary>
    public void Ensure(int count)
    {
        if (_array.Length - _length < Math.Max(count, 1))
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        count = Math.Max(count, 1);
        var newSize = Math.Max(_array.Length * 2, _length + count);
        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        Buffer.BlockCopy(_array, 0, bigger, 0, _length);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        var array = _array;
        _array = System.Array.Empty<byte>();
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
