using System.Buffers;
using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// The merge rule of <see cref="TraceBaggage"/>, walked in one place for every reader that lists the whole view
/// (<see cref="TraceBaggage.GetAll(Activity?)"/>, the baggage header writer): OpenTelemetry's baggage first (it wins),
/// then the Activity chain, innermost span first and, within a span, newest item first; each key once; an item with a
/// null value hides the older items of its key and is not visible itself, as in <see cref="Activity.GetBaggageItem"/>.
/// Generic over the sink, so the writer's walk is compiled for the writer: no allocation, no interface call per item.
/// </summary>
internal static class BaggageMerge
{
    // Keys compared by a linear scan: up to the baggage header's member limit (W3C Baggage: 64), a chain the header can
    // carry whole; past it, a set.
    private const int InitialSeen = 64;

    /// <summary>Receives the visible items, each key once, in the merged order.</summary>
    internal interface ISink
    {
        /// <summary>One visible item.</summary>
        void Visible(string key, string value);
    }

    public static void Walk<TSink>(OpenTelemetry.Baggage baggage, Activity? activity, scoped ref TSink sink)
        where TSink : ISink, allows ref struct
    {
        foreach (var pair in baggage)
        {
            sink.Visible(pair.Key, pair.Value);
        }

        if (activity is null)
        {
            return;
        }

        // The chain may repeat a key (child over parent): the first seen wins. Most spans carry one or two items, so the
        // first key is compared directly and an array is rented only from the second on. Every key seen is remembered,
        // also one that shows nothing (a null item) or that a sink leaves out (the writer's limits): it still hides the
        // parents' items of that key. Past the header's 64 members (a chain no header can carry whole) the keys move to
        // a set, so a chain of many keys costs linear time, not quadratic (SPEC 3).
        string? first = null;
        string?[]? seen = null;
        HashSet<string>? many = null;
        var seenCount = 0;
        try
        {
            foreach (var pair in activity.Baggage)
            {
                // Activity accepts an empty name, but no baggage key is empty (W3C Baggage): such an item is no baggage,
                // as for TraceBaggage.GetItem and the header (and OpenTelemetry's lookup would throw on it).
                if (string.IsNullOrEmpty(pair.Key))
                {
                    continue;
                }

                if (baggage.Count > 0 && baggage.GetBaggage(pair.Key) is not null)
                {
                    continue;
                }

                if (many is not null)
                {
                    if (!many.Add(pair.Key))
                    {
                        continue;
                    }
                }
                else if (seenCount > 0 && (string.Equals(first, pair.Key, StringComparison.Ordinal) || Contains(seen, seenCount, pair.Key)))
                {
                    continue;
                }
                else if (seenCount == 0)
                {
                    first = pair.Key;
                }
                else if (seenCount < InitialSeen)
                {
                    seen ??= ArrayPool<string?>.Shared.Rent(InitialSeen);
                    seen[seenCount] = pair.Key;
                }
                else
                {
                    many = new HashSet<string>(StringComparer.Ordinal) { first!, pair.Key };
                    for (var i = 1; i < seenCount; i++)
                    {
                        many.Add(seen![i]!);
                    }
                }

                seenCount++;
                if (pair.Value is not null)
                {
                    sink.Visible(pair.Key, pair.Value);
                }
            }
        }
        finally
        {
            if (seen is not null)
            {
                seen.AsSpan(0, Math.Min(seenCount, InitialSeen)).Clear();
                ArrayPool<string?>.Shared.Return(seen);
            }
        }
    }

    private static bool Contains(string?[]? seen, int count, string key)
    {
        if (seen is null)
        {
            return false;
        }

        // seen[0] is unused: the first key is kept in a local.
        for (var i = 1; i < Math.Min(count, InitialSeen); i++)
        {
            if (string.Equals(seen[i], key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
