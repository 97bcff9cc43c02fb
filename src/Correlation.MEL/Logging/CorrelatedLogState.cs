using System.Collections;
using System.Diagnostics;
using System.Numerics;

namespace Correlation.Logging;

/// <summary>
/// The state every provider receives instead of the caller's: the caller's entries, then the correlation fields, then
/// <c>{OriginalFormat}</c> last as Microsoft.Extensions.Logging's conventions expect. The message is still formatted by
/// the caller's formatter from the caller's state, and <see cref="ToString"/> is the caller's state's.
/// </summary>
/// <typeparam name="TState">The caller's state type, held without boxing (LoggerMessage.Define's and the source
/// generator's states are structs).</typeparam>
/// <remarks>
/// One instance per record, never reused: providers that buffer (OpenTelemetry's batch processor, NLog's async
/// targets) may read it after the call returns, so it holds everything it needs. Ids are read from the span captured at
/// the call (fixed for its life); values that can change while a span runs (baggage, flags, tracestate, resource) are
/// copied at the call (SPEC 24).
/// </remarks>
internal sealed class CorrelatedLogState<TState> : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>Formats the caller's message from the caller's state: the formatter every record is logged with.</summary>
    public static readonly Func<CorrelatedLogState<TState>, Exception?, string> Format =
        static (state, exception) => state._formatter(state._state, exception);

    private readonly Func<TState, Exception?, string> _formatter;

    // Not readonly: passed by reference to the non-boxing accessor.
    private TState _state;
    private readonly CorrelationLoggerSettings _settings;
    private readonly Activity? _span;
    // The values copied at the call: the string itself when only one field can change during a span (the common case,
    // one baggage key: no array per record), else a string?[] indexed by slot.
    private readonly object? _volatileValues;

    // -1: the caller's state is not a list of entries (only the correlation fields are exposed).
    private readonly int _innerCount;
    private ulong _present;
    private int _head;
    private int _ownCount;
    private volatile bool _resolved;

    private CorrelatedLogState(TState state, int innerCount, Func<TState, Exception?, string> formatter, CorrelationLoggerSettings settings, Activity? span, ulong present, object? volatileValues)
    {
        _state = state;
        _innerCount = innerCount;
        _formatter = formatter;
        _settings = settings;
        _span = span;
        _present = present;
        _volatileValues = volatileValues;
    }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            EnsureResolved();
            return _head + _ownCount + (_innerCount > _head ? 1 : 0);
        }
    }

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            EnsureResolved();
            if ((uint)index < (uint)_head)
            {
                return InnerList<TState>.Item(ref _state, index);
            }

            var own = index - _head;
            if ((uint)own < (uint)_ownCount)
            {
                var mask = _present;
                for (var skip = own; skip > 0; skip--)
                {
                    mask &= mask - 1;
                }

                var field = BitOperations.TrailingZeroCount(mask);
                var slot = _settings.VolatileIndexes[field];
                var value = slot < 0 ? _settings.FieldSet.GetValue(_span, field)
                    : _volatileValues is string?[] values ? values[slot] : (string?)_volatileValues;
                return new KeyValuePair<string, object?>(_settings.Names[field], value);
            }

            if (own == _ownCount && _innerCount > _head)
            {
                return InnerList<TState>.Item(ref _state, _head);
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    /// <summary>
    /// Builds the state for one record, or returns <see langword="null"/> when there is nothing to add (no field has a
    /// value) or the caller's state cannot be extended without being copied (an enumerable that is not a list).
    /// </summary>
    internal static CorrelatedLogState<TState>? Create(TState state, Func<TState, Exception?, string> formatter, Activity? span, CorrelationLoggerSettings settings)
    {
        // Type tests without a bound variable: the JIT does not box a struct state for them.
        int innerCount;
        if (state is IReadOnlyList<KeyValuePair<string, object?>>)
        {
            innerCount = InnerList<TState>.Count(ref state);
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>>)
        {
            return null;
        }
        else
        {
            innerCount = -1;
        }

        var set = settings.FieldSet;
        var indexes = settings.VolatileIndexes;
        object? volatileValues = null;
        var single = settings.VolatileCount == 1;
        var present = span is null ? 0UL : settings.PresentWithSpan;
        var checkedFields = span is null ? settings.AllFields : settings.CheckedFields;
        for (var c = 0; c < checkedFields.Length; c++)
        {
            var i = checkedFields[c];
            var value = set.GetValue(span, i);
            if (value is null)
            {
                continue;
            }

            present |= 1UL << i;
            var slot = indexes[i];
            if (slot >= 0)
            {
                if (single)
                {
                    volatileValues = value;
                }
                else
                {
                    ((string?[])(volatileValues ??= new string?[settings.VolatileCount]))[slot] = value;
                }
            }
        }

        return present == 0 ? null : new CorrelatedLogState<TState>(state, innerCount, formatter, settings, span, present, volatileValues);
    }

    /// <summary>The caller's state's text (for providers that write the state itself rather than the message).</summary>
    /// <returns>The caller's state's <see cref="object.ToString"/>.</returns>
    public override string ToString() => _state?.ToString() ?? string.Empty;

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => new Enumerator(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Decided when a provider first reads the record, not per call, so a record no provider reads costs nothing here:
    // a key the caller's state already has (e.g. a template hole named trace_id) keeps the caller's value and ours is
    // left out, so no record carries a key twice.
    private void EnsureResolved()
    {
        if (_resolved)
        {
            return;
        }

        var present = _present;
        var head = 0;
        if (_innerCount > 0)
        {
            head = _innerCount;
            var last = InnerList<TState>.Item(ref _state, _innerCount - 1);
            if (string.Equals(last.Key, OriginalFormatKey, StringComparison.Ordinal))
            {
                head--;
            }

            // Reading a key from MEL's states also boxes its value, so the keys of a template's state are read once per
            // (state type, template string) and the answer is cached.
            if (last.Value is string template && head < _innerCount)
            {
                var stateType = typeof(TState).IsValueType ? typeof(TState) : _state!.GetType();
                if (!_settings.TryGetKept(stateType, template, out var kept))
                {
                    kept = FindKept(head);
                    _settings.StoreKept(stateType, template, kept);
                }

                present &= kept;
            }
            else
            {
                present &= FindKept(head);
            }
        }

        _present = present;
        _head = head;
        _ownCount = BitOperations.PopCount(present);
        _resolved = true;
    }

    /// <summary>The mask of fields whose names are not among the first <paramref name="count"/> keys of the caller's state.</summary>
    private ulong FindKept(int count)
    {
        var names = _settings.Names;
        var kept = ulong.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var key = InnerList<TState>.Item(ref _state, i).Key;
            for (var field = 0; field < names.Length; field++)
            {
                if (string.Equals(names[field], key, StringComparison.Ordinal))
                {
                    kept &= ~(1UL << field);
                }
            }
        }

        return kept;
    }

    private sealed class Enumerator : IEnumerator<KeyValuePair<string, object?>>
    {
        private readonly CorrelatedLogState<TState> _owner;
        private readonly int _count;
        private int _index = -1;

        public Enumerator(CorrelatedLogState<TState> owner)
        {
            _owner = owner;
            _count = owner.Count;
        }

        public KeyValuePair<string, object?> Current => _owner[_index];

        object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < _count;

        public void Reset() => _index = -1;

        public void Dispose()
        {
        }
    }
}
