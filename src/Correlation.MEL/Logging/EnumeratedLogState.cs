using System.Collections;

namespace Correlation.Logging;

/// <summary>
/// A caller's state that enumerates its entries but is not a list (a <c>Dictionary&lt;string, object?&gt;</c>, a custom
/// collection), or is a list but a class (one the caller builds, whose <c>Count</c> and indexer need not agree with its
/// enumerator), copied once through its enumerator into a list so that a <see cref="CorrelatedLogState{TState}"/> can
/// extend it with the correlation fields. The message is still formatted by the caller's formatter from the caller's own state, and
/// <see cref="ToString"/> is the caller's state's. Rare, so it pays one copy per record.
/// </summary>
/// <typeparam name="TState">The caller's state type.</typeparam>
internal sealed class EnumeratedLogState<TState> : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>Formats the caller's message from the caller's state: one shared delegate, so records share their shape.</summary>
    public static readonly Func<EnumeratedLogState<TState>, Exception?, string> Format =
        static (state, exception) => state._formatter(state._original, exception);

    private readonly TState _original;
    private readonly Func<TState, Exception?, string> _formatter;
    private readonly List<KeyValuePair<string, object?>> _entries;

    private EnumeratedLogState(TState original, Func<TState, Exception?, string> formatter, List<KeyValuePair<string, object?>> entries)
    {
        _original = original;
        _formatter = formatter;
        _entries = entries;
    }

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index] => _entries[index];

    /// <summary>The caller's state with its entries copied; the state must enumerate entries.</summary>
    public static EnumeratedLogState<TState> Copy(TState state, Func<TState, Exception?, string> formatter)
    {
        // Through the enumerator alone: List's constructor would read an ICollection through its Count and CopyTo, which
        // a caller's collection need not implement in agreement with it (or at all).
        var entries = new List<KeyValuePair<string, object?>>();
        foreach (var entry in (IEnumerable<KeyValuePair<string, object?>>)state!)
        {
            entries.Add(entry);
        }

        return new(state, formatter, entries);
    }

    /// <summary>The caller's state's text (for providers that write the state itself rather than the message).</summary>
    /// <returns>The caller's state's <see cref="object.ToString"/>.</returns>
    public override string ToString() => _original?.ToString() ?? string.Empty;

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
