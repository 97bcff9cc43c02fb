using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;

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
/// targets) may read it after the call returns, so it holds everything it needs. It holds only what is the record's
/// own: the caller's state, the span (its ids are fixed for its life and are read from it when asked), and the values
/// that can change while a span runs (baggage, parent id, flags, tracestate, resource), copied at the call (SPEC 24).
/// Everything shared by the records of one factory and formatter is in the <see cref="LogStateShape{TState}"/>.
/// </remarks>
internal sealed class CorrelatedLogState<TState> : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>Formats the caller's message from the caller's state: the formatter every record is logged with.</summary>
    public static readonly Func<CorrelatedLogState<TState>, Exception?, string> Format =
        static (state, exception) => state._shape.Formatter(state._state, exception);

    /// <summary><see cref="Format"/>, read from the record's shape (a field, not a static of shared generic code).</summary>
    internal Func<CorrelatedLogState<TState>, Exception?, string> Formatter => _shape.RecordFormatter;

    // Not readonly: passed by reference to the non-boxing accessor.
    private TState _state;

    // The unresolved shape until a provider first reads the record, then its template's resolved shape.
    private LogStateShape<TState> _shape;
    private readonly Activity? _span;

    // The copied values: the string itself when the layout copies one field (the common case, one baggage key: no
    // array per record), else a string?[] by slot, or null when none has a value.
    private readonly object? _values;

    private CorrelatedLogState(TState state, LogStateShape<TState> shape, Activity? span, object? values)
    {
        _state = state;
        _shape = shape;
        _span = span;
        _values = values;
    }

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            // Providers call it once per entry read (for (i = 0; i < list.Count; i++)): the common cases stay inline.
            var shape = Resolved();
            var count = shape.CountWithoutCaptured;
            var values = _values;
            if (values is null || shape.CapturedKept == 0)
            {
                return count;
            }

            return values is string ? count + 1 : count + shape.CountCaptured(values);
        }
    }

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            var shape = Resolved();
            if ((uint)index < (uint)shape.Head)
            {
                return shape.Inner.Item(ref _state, index);
            }

            var own = index - shape.Head;
            var fromSpan = shape.FromSpanKept;
            if ((uint)own < (uint)fromSpan.Length)
            {
                var field = fromSpan[own];
                return new KeyValuePair<string, object?>(shape.Settings.Names[field], shape.Settings.FieldSet.GetValue(_span, field));
            }

            own -= fromSpan.Length;
            var values = _values;
            if (values is not null && shape.CapturedKept != 0)
            {
                if (values is string single)
                {
                    if (own == 0)
                    {
                        return new KeyValuePair<string, object?>(shape.CapturedNames[0], single);
                    }

                    own--;
                }
                else
                {
                    var slot = shape.FindCaptured(values, own);
                    if (slot >= 0)
                    {
                        return new KeyValuePair<string, object?>(shape.CapturedNames[slot], ((string?[])values)[slot]);
                    }

                    own -= shape.CountCaptured(values);
                }
            }

            if (own == 0 && shape.HasFormat)
            {
                return shape.Inner.Item(ref _state, shape.Head);
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
        // Type tests without a bound variable: the JIT does not box a struct state for them (and folds them).
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> && state is IEnumerable<KeyValuePair<string, object?>>)
        {
            return null;
        }

        var shape = LogStateShape<TState>.For(settings, formatter, span is not null, ref state);
        var layout = shape.Layout;
        var captured = layout.Captured;
        object? values = null;
        if (captured.Length == 1)
        {
            values = settings.FieldSet.GetValue(span, captured[0]);
        }
        else if (captured.Length > 1)
        {
            values = Capture(settings, span, captured);
        }

        return values is null && layout.FromSpan.Length == 0 ? null : new CorrelatedLogState<TState>(state, shape, span, values);
    }

    /// <summary>The caller's state's text (for providers that write the state itself rather than the message).</summary>
    /// <returns>The caller's state's <see cref="object.ToString"/>.</returns>
    public override string ToString() => _state?.ToString() ?? string.Empty;

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => new Enumerator(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string?[]? Capture(CorrelationLoggerSettings settings, Activity? span, int[] captured)
    {
        string?[]? values = null;
        for (var slot = 0; slot < captured.Length; slot++)
        {
            var value = settings.FieldSet.GetValue(span, captured[slot]);
            if (value is not null)
            {
                (values ??= new string?[captured.Length])[slot] = value;
            }
        }

        return values;
    }

    // The template part is found when a provider first reads the record, not per call, so a record no provider reads
    // costs nothing here: a key the caller's state already has (e.g. a template hole named trace_id) keeps the caller's
    // value and ours is left out, so no record carries a key twice.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LogStateShape<TState> Resolved()
    {
        var shape = _shape;
        return shape.IsResolved ? shape : Resolve(shape);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LogStateShape<TState> Resolve(LogStateShape<TState> unresolved)
    {
        // Two readers may both resolve: they store the same shape.
        var shape = unresolved.Resolve(ref _state);
        _shape = shape;
        return shape;
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
