using System.Buffers;

namespace Correlation.Propagation;

/// <summary>A growable char buffer that starts on the stack and rents from the shared pool when it must grow.</summary>
internal ref struct CharBuffer
{
    private Span<char> _chars;
    private char[]? _rented;

    public CharBuffer(Span<char> initial)
    {
        _chars = initial;
        _rented = null;
        Length = 0;
    }

    public int Length { get; set; }

    public readonly ReadOnlySpan<char> Written => _chars[..Length];

    public void Append(char c)
    {
        if (Length == _chars.Length)
        {
            Grow(1);
        }

        _chars[Length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars[Length..]);
        Length += text.Length;
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
            _rented = null;
        }
    }

    private void Grow(int needed)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, Length + needed));
        _chars[..Length].CopyTo(next);
        if (_rented is not null)
        {
            ArrayPool<char>.Shared.Return(_rented);
        }

        _rented = next;
        _chars = next;
    }
}
