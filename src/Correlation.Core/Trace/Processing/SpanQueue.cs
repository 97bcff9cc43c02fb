using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Correlation.Trace.Processing;

/// <summary>
/// A bounded multi-producer, single-consumer ring of spans (the shape of OpenTelemetry .NET's CircularBuffer):
/// producers reserve a slot with one compare-and-swap on the tail and never wait; the one consumer takes from the head.
/// <see cref="Close"/> sets a bit in the tail so that no producer can reserve a slot afterwards, and returns exactly
/// how many were reserved before, which lets shutdown drain every span whose end started before it.
/// </summary>
internal sealed class SpanQueue
{
    private const long ClosedBit = 1L << 62;

    private readonly Activity?[] _slots;
    private readonly long _capacity;
    private readonly long _mask;

    // Producers write the tail, the consumer the head: they live on separate cache lines. Producers check for room
    // against a cached copy of the head and read the real one only when the cached copy says the ring is full, so the
    // consumer's head updates do not cost every span end a cache miss (the Disruptor's gating-sequence cache).
    private ProducerSide _producer;
    private PaddedLong _head;

    public SpanQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);

        // A power-of-two ring indexes with a mask; the bound stays exactly `capacity`.
        var size = (long)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new Activity?[size];
        _mask = size - 1;
        _capacity = capacity;
    }

    public enum AddResult
    {
        Added,
        Full,
        Closed,
    }

    /// <summary>The number of spans ever added (reserved slots included).</summary>
    public long AddedCount => Volatile.Read(ref _producer.Tail) & ~ClosedBit;

    /// <summary>The number of spans ever taken.</summary>
    public long RemovedCount => Volatile.Read(ref _head.Value);

    public long Count => AddedCount - RemovedCount;

    public bool IsClosed => (Volatile.Read(ref _producer.Tail) & ClosedBit) != 0;

    /// <summary>Adds a span unless the queue is full or closed; <paramref name="added"/> is then the number ever added, this one included.</summary>
    public AddResult TryAdd(Activity span, out long added)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _producer.Tail);
            if ((tail & ClosedBit) != 0)
            {
                added = 0;
                return AddResult.Closed;
            }

            // The cached head is never ahead of the real one (it only ever holds values read from it), so it can
            // only make the ring look fuller than it is; then look at the real head.
            if (tail - Volatile.Read(ref _producer.CachedHead) >= _capacity)
            {
                var head = Volatile.Read(ref _head.Value);
                Volatile.Write(ref _producer.CachedHead, head);
                if (tail - head >= _capacity)
                {
                    added = tail;
                    return AddResult.Full;
                }
            }

            if (Interlocked.CompareExchange(ref _producer.Tail, tail + 1, tail) == tail)
            {
                Volatile.Write(ref Slot(tail), span);
                added = tail + 1;
                return AddResult.Added;
            }
        }
    }

    /// <summary>Closes the queue to producers; returns the number of spans ever added (the drain target).</summary>
    public long Close() => Interlocked.Or(ref _producer.Tail, ClosedBit) & ~ClosedBit;

    /// <summary>
    /// Takes the <paramref name="count"/> oldest spans into <paramref name="batch"/>, emptying their slots, and moves
    /// the head once for all of them; only the consumer calls it, and only with <paramref name="count"/> at most <see cref="Count"/>.
    /// </summary>
    public void TakeBatch(Activity[] batch, int count)
    {
        // Checked once per batch, so that the unchecked stores below stay inside an array of exactly this type.
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)batch.Length, nameof(count));
        if (batch.GetType() != typeof(Activity[]))
        {
            throw new ArgumentException("The batch must be an Activity[] itself, not an array of a derived type.", nameof(batch));
        }
        var head = _head.Value;
        ref var first = ref MemoryMarshal.GetArrayDataReference(batch);
        for (var i = 0; i < count; i++)
        {
            ref var slot = ref Slot(head + i);
            var span = Volatile.Read(ref slot) ?? WaitForSlot(ref slot);

            // Emptied now, not when the slot is reused: an exported span must not stay reachable from the ring.
            slot = null;

            Unsafe.Add(ref first, i) = span;
        }

        Volatile.Write(ref _head.Value, head + count);
    }

    private static Activity WaitForSlot(ref Activity? slot)
    {
        // A producer reserved this slot but has not written it yet: it is between two instructions, wait for it.
        var spin = default(SpinWait);
        while (true)
        {
            spin.SpinOnce();
            var span = Volatile.Read(ref slot);
            if (span is not null)
            {
                return span;
            }
        }
    }

    /// <summary>
    /// The slot of a position. The mask keeps the index inside the array and the array is exactly
    /// <c>Activity?[]</c> (made here), so the per-span bounds and array-covariance checks are skipped.
    /// </summary>
    private ref Activity? Slot(long position) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(position & _mask));

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct ProducerSide
    {
        [FieldOffset(64)]
        public long Tail;

        [FieldOffset(72)]
        public long CachedHead;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
