using System.Diagnostics;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>Writes the <c>baggage</c> header: at most 64 members and 8192 bytes, dropping whole members (SPEC 9).</summary>
internal ref struct BaggageWriter
{
    private CharBuffer _buffer;
    private int _members;
    private int _dropped;

    public BaggageWriter(Span<char> initial)
    {
        _buffer = new CharBuffer(initial);
        _members = 0;
        _dropped = 0;
    }

    public void Add(string? key, string? value, string? properties)
    {
        if (key is null || value is null)
        {
            return;
        }

        // The encoded member (after a ',' unless it is the first) is never shorter than key + '=' + value: skip the
        // encoding work when that is already too long.
        if (_members == BaggageFormat.MaxMembers || !BaggageFormat.IsToken(key)
            || _buffer.Length + (_buffer.Length > 0 ? 2 : 1) + key.Length + value.Length > BaggageFormat.MaxBytes)
        {
            _dropped++;
            return;
        }

        var mark = _buffer.Length;
        if (mark > 0)
        {
            _buffer.Append(',');
        }

        _buffer.Append(key);
        _buffer.Append('=');
        BaggageFormat.AppendEncoded(ref _buffer, value);
        if (properties is not null && BaggageFormat.IsSendableProperties(properties))
        {
            _buffer.Append(';');
            _buffer.Append(properties);
        }

        if (_buffer.Length > BaggageFormat.MaxBytes)
        {
            _buffer.Length = mark;
            _dropped++;
            return;
        }

        _members++;
    }

    /// <summary>Adds the merged view of <see cref="Context.TraceBaggage"/>: OpenTelemetry's baggage first (it wins), then the
    /// activity chain, innermost first; each key once; properties found again by <see cref="BaggagePropertiesTable"/>.</summary>
    public void AddCurrent(OpenTelemetry.Baggage baggage, Activity? activity)
    {
        foreach (var pair in baggage)
        {
            Add(pair.Key, pair.Value, BaggagePropertiesTable.Lookup(pair.Key, pair.Value));
        }

        if (activity is null)
        {
            return;
        }

        // The chain may repeat a key (child over parent): the first seen wins. Most spans carry one or two items, so the
        // first key is compared directly and an array is rented only from the second on.
        string? first = null;
        string?[]? seen = null;
        var seenCount = 0;
        try
        {
            foreach (var pair in activity.Baggage)
            {
                // OpenTelemetry's lookup throws on an empty name (Activity accepts one); such a key is not a token, so Add
                // drops it alone, while the throw would have lost the whole header.
                if (baggage.Count > 0 && !string.IsNullOrEmpty(pair.Key) && baggage.GetBaggage(pair.Key) is not null)
                {
                    continue;
                }

                if (seenCount > 0 && (string.Equals(first, pair.Key, StringComparison.Ordinal) || Contains(seen, seenCount, pair.Key)))
                {
                    continue;
                }

                // Every key seen is remembered, also one that writes nothing (a null item, or a member Add drops): it still
                // hides the parents' items of that key. The limits are Add's alone, on the members actually written, so
                // the list grows past 64 keys when some of them wrote nothing.
                if (seenCount == 0)
                {
                    first = pair.Key;
                }
                else
                {
                    if (seen is null)
                    {
                        seen = System.Buffers.ArrayPool<string?>.Shared.Rent(BaggageFormat.MaxMembers);
                    }
                    else if (seenCount == seen.Length)
                    {
                        seen = Grow(seen, seenCount);
                    }

                    seen[seenCount] = pair.Key;
                }

                seenCount++;

                // An item with a null value still hides the parents' items of that key, as in Activity.GetBaggageItem.
                if (pair.Value is not null)
                {
                    Add(pair.Key, pair.Value, BaggagePropertiesTable.Lookup(pair.Key, pair.Value));
                }
            }
        }
        finally
        {
            if (seen is not null)
            {
                seen.AsSpan(0, seenCount).Clear();
                System.Buffers.ArrayPool<string?>.Shared.Return(seen);
            }
        }
    }

    private static string?[] Grow(string?[] seen, int count)
    {
        var larger = System.Buffers.ArrayPool<string?>.Shared.Rent(seen.Length * 2);
        seen.AsSpan(0, count).CopyTo(larger);
        seen.AsSpan(0, count).Clear();
        System.Buffers.ArrayPool<string?>.Shared.Return(seen);
        return larger;
    }

    private static bool Contains(string?[]? seen, int count, string key)
    {
        if (seen is null)
        {
            return false;
        }

        for (var i = 1; i < count; i++)
        {
            if (string.Equals(seen[i], key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _buffer.Dispose();

    public string? Complete()
    {
        if (_dropped > 0 && CorrelationEventSource.Log.IsEnabled())
        {
            CorrelationEventSource.Log.Dropped(BaggageFormat.Component, _dropped, "baggage members beyond 64 members / 8192 bytes, or with an invalid key");
        }

        var result = _buffer.Length == 0 ? null : new string(_buffer.Written);
        _buffer.Dispose();
        return result;
    }
}
