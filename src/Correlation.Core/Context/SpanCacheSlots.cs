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

    /// <summary>
    /// One thread's last entry of one cache. The span and its value are held weakly, so an ended span read once on a
    /// thread that then idles can still be collected with its tags, events and baggage; while the span lives, the
    /// owner's weak table keeps the value alive. The weak references are allocated once per slot and retargeted on a
    /// miss: no allocation per read.
    /// </summary>
    internal sealed class Slot
    {
        public object? Owner;

        private readonly WeakReference<Activity?> _span = new(null);
        private readonly WeakReference<object?> _value = new(null);

        /// <summary>The value cached for <paramref name="span"/>, or <see langword="null"/> when the slot holds another span.</summary>
        public object? ValueFor(Activity span)
            => _span.TryGetTarget(out var held) && ReferenceEquals(held, span) && _value.TryGetTarget(out var value) ? value : null;

        public void Set(object owner, Activity span, object value)
        {
            Owner = owner;
            _value.SetTarget(value);
            _span.SetTarget(span);
        }
    }
}
