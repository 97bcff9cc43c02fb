using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// The per-thread "last span" entries of every <see cref="SpanValueCache{T}"/>. Kept in a non-generic class because
/// thread-static access in a generic type goes through a slower lookup; a few slots, chosen per cache instance, keep
/// two caches used alternately on one thread (two adapters, or an adapter and the Datadog formatter) from evicting
/// each other. Each thread only ever touches its own slots.
/// </summary>
internal static class SpanCacheSlots
{
    private const int Count = 8;

    [ThreadStatic]
    private static Slot[]? t_slots;

    private static int s_next = -1;

    public static int NextSlot() => Interlocked.Increment(ref s_next) & (Count - 1);

    public static Slot Get(int index)
    {
        var slots = t_slots ??= Create();
        return slots[index];
    }

    private static Slot[] Create()
    {
        var slots = new Slot[Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Slot();
        }

        return slots;
    }

    internal sealed class Slot
    {
        public object? Owner;
        public Activity? Span;
        public object? Value;
    }
}
