namespace Correlation.Propagation;

/// <summary>
/// Reuses baggage key strings across extractions on the same thread: the same few keys arrive on every request, so
/// this saves an allocation per member. Members with properties never use it, because <see cref="BaggagePropertiesTable"/>
/// needs a key instance of their own.
/// </summary>
internal static class KeyCache
{
    private const int Slots = 16;
    private const int MaxLength = 64;

    [ThreadStatic]
    private static string?[]? t_keys;

    public static string Get(ReadOnlySpan<char> key)
    {
        if (key.Length > MaxLength)
        {
            return new string(key);
        }

        var keys = t_keys ??= new string?[Slots];
        var slot = (int)((uint)(key.Length * 31 + key[0] + key[^1] * 7) % Slots);
        var cached = keys[slot];
        if (cached is not null && key.SequenceEqual(cached))
        {
            return cached;
        }

        var created = new string(key);
        keys[slot] = created;
        return created;
    }
}
