using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Correlation.Context;

/// <summary>
/// Caches one value per span (per <see cref="Activity"/>) for as long as the span is alive: each thread keeps its last
/// entries in <see cref="ThreadStaticAttribute"/> slots (no lock, no allocation; the span held weakly), the rest live in a weak table that
/// lets spans be collected. Adapters use it for what is fixed per span and costly to build (framework property
/// objects, Datadog decimals). Each instance is its own cache: two adapters never share entries.
/// </summary>
/// <typeparam name="T">The cached value's type.</typeparam>
internal sealed class SpanValueCache<T>
    where T : class
{
    private readonly ConditionalWeakTable<Activity, T> _table = new();
    private readonly ConditionalWeakTable<Activity, T>.CreateValueCallback _create;
    private readonly int _slot;

    /// <summary>Creates a cache.</summary>
    /// <param name="create">Builds the value for a span the first time it is asked for; must not throw.</param>
    public SpanValueCache(Func<Activity, T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = activity => create(activity);
        _slot = SpanCacheSlots.NextSlot();
    }

    /// <summary>Gets the value for <paramref name="span"/>, building it on first use.</summary>
    /// <param name="span">The span.</param>
    /// <returns>The cached value.</returns>
    public T Get(Activity span)
    {
        var slot = SpanCacheSlots.Get(_slot);
        if (ReferenceEquals(slot.Owner, this) && slot.ValueFor(span) is { } cached)
        {
            return Unsafe.As<T>(cached);
        }

        var value = _table.GetValue(span, _create);
        slot.Set(this, span, value);
        return value;
    }
}
