using System.Collections;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Correlation.Logging;

/// <summary>
/// The state every provider receives instead of the caller's: the caller's entries, then the correlation fields, then
/// <c>{OriginalFormat}</c> last as Microsoft.Extensions.Logging's conventions expect. The message is still formatted by
/// the caller's formatter from the caller's state, and <see cref="ToString"/> is the caller's state's.
/// </summary>
/// <remarks>
/// One instance per record, never reused: providers that buffer (OpenTelemetry's batch processor, NLog's async
/// targets) may read it after the call returns, so it holds everything it needs. Ids are read from the span captured at
/// the call (fixed for its life); values that can change while a span runs (baggage, flags, tracestate, resource) are
/// copied at the call (SPEC 24).
/// </remarks>
internal sealed class CorrelatedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    private readonly object? _state;
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

    private CorrelatedLogState(object? state, int innerCount, Delegate formatter, CorrelationLoggerSettings settings, Activity? span, ulong present, object? volatileValues)
    {
        _state = state;
        _innerCount = innerCount;
        Formatter = formatter;
        _settings = settings;
        _span = span;
        _present = present;
        _volatileValues = volatileValues;
    }

    /// <summary>The caller's formatter (a <c>Func&lt;TState, Exception?, string&gt;</c>).</summary>
    internal Delegate Formatter { get; }

    /// <summary>The caller's state, boxed when it is a struct.</summary>
    internal object? State => _state;

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
                return Unsafe.As<IReadOnlyList<KeyValuePair<string, object?>>>(_state!)[index];
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
                return Unsafe.As<IReadOnlyList<KeyValuePair<string, object?>>>(_state!)[_head];
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    /// <summary>
    /// Builds the state for one record, or returns <see langword="null"/> when there is nothing to add (no field has a
    /// value) or the caller's state cannot be extended without being copied (an enumerable that is not a list).
    /// </summary>
    internal static CorrelatedLogState? Create<TState>(TState state, Func<TState, Exception?, string> formatter, Activity? span, CorrelationLoggerSettings settings)
    {
        object? boxed = state;
        int innerCount;
        if (boxed is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            innerCount = list.Count;
        }
        else if (boxed is IEnumerable<KeyValuePair<string, object?>>)
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

        return present == 0 ? null : new CorrelatedLogState(boxed, innerCount, formatter, settings, span, present, volatileValues);
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
            var list = Unsafe.As<IReadOnlyList<KeyValuePair<string, object?>>>(_state!);
            head = _innerCount;
            var last = list[_innerCount - 1];
            if (string.Equals(last.Key, OriginalFormatKey, StringComparison.Ordinal))
            {
                head--;
            }

            // Reading a key from MEL's states also boxes its value, so the keys of a template's state are read once per
            // (state type, template string) and the answer is cached.
            present &= last.Value is string template && head < _innerCount
                ? _settings.ConflictsOf(_state!.GetType(), template, list, head)
                : CorrelationLoggerSettings.FindConflicts(_settings.Names, list, head);
        }

        _present = present;
        _head = head;
        _ownCount = BitOperations.PopCount(present);
        _resolved = true;
    }

    private sealed class Enumerator : IEnumerator<KeyValuePair<string, object?>>
    {
        private readonly CorrelatedLogState _owner;
        private readonly int _count;
        private int _index = -1;

        public Enumerator(CorrelatedLogState owner)
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
