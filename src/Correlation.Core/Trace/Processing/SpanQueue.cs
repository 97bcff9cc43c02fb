using System.Diagnostics;
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

    // Producers write the tail, the consumer the head: keep them on separate cache lines so neither invalidates the other's.
    private PaddedLong _tail;
    private PaddedLong _head;

    public SpanQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new Activity?[capacity];
        _capacity = capacity;
    }

    public enum AddResult
    {
        Added,
        Full,
        Closed,
    }

    /// <summary>The number of spans ever added (reserved slots included).</summary>
    public long AddedCount => Volatile.Read(ref _tail.Value) & ~ClosedBit;

    /// <summary>The number of spans ever taken.</summary>
    public long RemovedCount => Volatile.Read(ref _head.Value);

    public long Count => AddedCount - RemovedCount;

    public bool IsClosed => (Volatile.Read(ref _tail.Value) & ClosedBit) != 0;

    /// <summary>Adds a span unless the queue is full or closed; <paramref name="count"/> is then the queue length (at most stale-high).</summary>
    public AddResult TryAdd(Activity span, out long count)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _tail.Value);
            if ((tail & ClosedBit) != 0)
            {
                count = 0;
                return AddResult.Closed;
            }

            count = tail - Volatile.Read(ref _head.Value);
            if (count >= _capacity)
            {
                return AddResult.Full;
            }

            if (Interlocked.CompareExchange(ref _tail.Value, tail + 1, tail) == tail)
            {
                Volatile.Write(ref _slots[tail % _capacity], span);
                count++;
                return AddResult.Added;
            }
        }
    }

    /// <summary>Closes the queue to producers; returns the number of spans ever added (the drain target).</summary>
    public long Close() => Interlocked.Or(ref _tail.Value, ClosedBit) & ~ClosedBit;

    /// <summary>Takes the oldest span; only the consumer calls it, and only when <see cref="Count"/> is positive.</summary>
    public Activity Take()
    {
        var head = _head.Value;
        var index = head % _capacity;
        var spin = default(SpinWait);
        while (true)
        {
            // A producer reserved this slot but has not written it yet: it is between two instructions, wait for it.
            var span = Volatile.Read(ref _slots[index]);
            if (span is not null)
            {
                _slots[index] = null;
                Volatile.Write(ref _head.Value, head + 1);
                return span;
            }

            spin.SpinOnce();
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
