using System.Collections.Concurrent;

namespace Correlation.Logging;

/// <summary>
/// What the records of one logger factory's settings, one caller formatter and one layout (inside or outside a span)
/// share, so that a <see cref="CorrelatedLogState{TState}"/> holds only its own data. A record starts with the
/// unresolved shape; the first provider that reads it swaps in the resolved shape of its state's template: which of the
/// caller's entries come before ours, whether <c>{OriginalFormat}</c> ends the list, and which fields are left out
/// because the caller's state already has the key.
/// </summary>
/// <typeparam name="TState">The caller's state type.</typeparam>
internal sealed class LogStateShape<TState>
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    // Templates are almost always literals, so a reference-keyed cache stays small; dynamic templates stop being cached
    // once it is full (they are then scanned when first read). Resolutions are few (a count of entries and a mask).
    private const int MaxCachedTemplates = 4096;
    private const int MaxCachedResolutions = 256;

    // The shape the last record of this state type was built with, per layout: two reference comparisons per record in
    // the common case (one factory, one formatter per state type), the settings' table otherwise.
    private static LogStateShape<TState>? s_lastWithSpan;
    private static LogStateShape<TState>? s_lastWithoutSpan;

    /// <summary>
    /// Whether a state's keys follow from its type and template, as in MEL's own states (those of LoggerMessage.Define,
    /// the source generator and the Log* extensions). A copied dictionary's do not: two records with one template may
    /// name different keys, so such a record never shares a resolved shape.
    /// </summary>
    private static readonly bool s_keysFollowTemplate =
        !(typeof(TState).IsGenericType && typeof(TState).GetGenericTypeDefinition() == typeof(EnumeratedLogState<>));

    // The state type the template cache is keyed by: TState itself for a struct (known here, so not looked up per record
    // through the shared generic code's dictionary); null for a reference type, whose records are not cached by template.
    private readonly Type? _structStateType;
    // An unresolved shape's caches (Resolve is called on unresolved shapes only; resolved ones have none).
    private readonly ConcurrentDictionary<TemplateKey, LogStateShape<TState>>? _byTemplate;
    private readonly ConcurrentDictionary<(int Head, bool HasFormat, ulong Kept), LogStateShape<TState>>? _byResolution;

    private LogStateShape(CorrelationLoggerSettings settings, Func<TState, Exception?, string> formatter, FieldLayout layout)
    {
        Settings = settings;
        Formatter = formatter;
        Layout = layout;
        Inner = InnerList<TState>.Instance;
        RecordFormatter = CorrelatedLogState<TState>.Format;
        _structStateType = typeof(TState).IsValueType ? typeof(TState) : null;
        FromSpanKept = [];
        CapturedNames = [];
        _byTemplate = new(TemplateKeyComparer.Instance);
        _byResolution = new();
    }

    private LogStateShape(LogStateShape<TState> unresolved, int head, bool hasFormat, ulong kept)
        : this(unresolved.Settings, unresolved.Formatter, unresolved.Layout, head, hasFormat, kept)
    {
    }

    private LogStateShape(CorrelationLoggerSettings settings, Func<TState, Exception?, string> formatter, FieldLayout layout, int head, bool hasFormat, ulong kept)
    {
        Settings = settings;
        Formatter = formatter;
        Layout = layout;
        Inner = InnerList<TState>.Instance;
        RecordFormatter = CorrelatedLogState<TState>.Format;
        IsResolved = true;
        Head = head;
        HasFormat = hasFormat;

        // Usually every field is kept (no template hole has a field's name): the layout's own arrays are then shared.
        var fromSpan = Layout.FromSpan;
        var fromSpanKept = fromSpan;
        foreach (var field in fromSpan)
        {
            if ((kept & (1UL << field)) == 0)
            {
                fromSpanKept = Array.FindAll(fromSpan, f => (kept & (1UL << f)) != 0);
                break;
            }
        }

        FromSpanKept = fromSpanKept;
        var captured = Layout.Captured;
        CapturedNames = Layout.CapturedNames;
        for (var slot = 0; slot < captured.Length; slot++)
        {
            if ((kept & (1UL << captured[slot])) != 0)
            {
                CapturedKept |= 1UL << slot;
            }
        }

        CountWithoutCaptured = head + FromSpanKept.Length + (hasFormat ? 1 : 0);
    }

    public CorrelationLoggerSettings Settings { get; }

    /// <summary>The caller's formatter: the same instance for every record of a state type in practice, so not held per record.</summary>
    public Func<TState, Exception?, string> Formatter { get; }

    public FieldLayout Layout { get; }

    /// <summary>The formatter records of this shape are logged with (<see cref="CorrelatedLogState{TState}.Format"/>).</summary>
    public Func<CorrelatedLogState<TState>, Exception?, string> RecordFormatter { get; }

    /// <summary>Reads the caller's state's entries.</summary>
    public InnerList<TState> Inner { get; }

    /// <summary>Whether the template part below is known (a provider has read a record of this shape).</summary>
    public bool IsResolved { get; }

    /// <summary>The caller's entries that come before ours (all of them but <c>{OriginalFormat}</c>).</summary>
    public int Head { get; }

    /// <summary>Whether the caller's list ends with <c>{OriginalFormat}</c>, which stays last.</summary>
    public bool HasFormat { get; }

    /// <summary>The span fields written, in order (those whose names the caller's state does not already have).</summary>
    public int[] FromSpanKept { get; }

    /// <summary>The names of the captured value slots.</summary>
    public string[] CapturedNames { get; }

    /// <summary>Bit per captured value slot: written when it has a value.</summary>
    public ulong CapturedKept { get; }

    /// <summary>The entry count of a record before its captured values are counted.</summary>
    public int CountWithoutCaptured { get; }

    /// <summary>
    /// The shape for a record of this state type written with <paramref name="formatter"/>: the shared unresolved one,
    /// or, for a formatter that may be built per call, one of the record's own, resolved now.
    /// </summary>
    public static LogStateShape<TState> For(CorrelationLoggerSettings settings, Func<TState, Exception?, string> formatter, bool withSpan, ref TState state)
    {
        var last = withSpan ? s_lastWithSpan : s_lastWithoutSpan;
        return last is not null && ReferenceEquals(last.Settings, settings) && ReferenceEquals(last.Formatter, formatter)
            ? last
            : Find(settings, formatter, withSpan, ref state);
    }

    private static LogStateShape<TState> Find(CorrelationLoggerSettings settings, Func<TState, Exception?, string> formatter, bool withSpan, ref TState state)
    {
        var layout = withSpan ? settings.WithSpan : settings.WithoutSpan;

        // Only a formatter that holds no state is shared (the static delegates of LoggerMessage.Define, the source
        // generator and the Log* extensions): one built per call (a closure, an instance method group) would be kept
        // alive by the table with whatever it captured. Its record, like one past the table's bound, gets a shape of
        // its own, resolved now, as does a copied dictionary (its keys are its own). The table is keyed by state type
        // too: one contravariant delegate can be the formatter of several state types.
        var shape = s_keysFollowTemplate && IsStateless(formatter)
            ? (LogStateShape<TState>?)(settings.FindShape(typeof(TState), formatter, withSpan)
                ?? settings.TryAddShape(typeof(TState), formatter, withSpan, new LogStateShape<TState>(settings, formatter, layout)))
            : null;
        if (shape is null)
        {
            return ResolveUncached(settings, formatter, layout, ref state);
        }

        if (withSpan)
        {
            s_lastWithSpan = shape;
        }
        else
        {
            s_lastWithoutSpan = shape;
        }

        return shape;
    }

    /// <summary>
    /// Whether a formatter captures nothing: a static method, or a lambda of C#'s per-class singleton (<c>&lt;&gt;c</c>),
    /// which is what static lambdas compile to. Any other target (a closure, an instance) may be one per call.
    /// </summary>
    private static bool IsStateless(Delegate formatter)
        => formatter.Target is not { } target || target.GetType().Name == "<>c";

    /// <summary>The resolved shape for a record's state (called on an unresolved shape, once per record at most).</summary>
    public LogStateShape<TState> Resolve(ref TState state)
    {
        // Reading a key from MEL's struct states (LoggerMessage.Define's, the source generator's, the Log* extensions')
        // also boxes its value, so the keys of such a state are read once per (state type, template string) and the
        // answer is cached: their keys follow from the template. A class state's keys need not (a list the caller
        // builds, LoggerMessageState with tag providers), and reading them boxes nothing: they are read per record.
        var (head, hasFormat, last) = ReadEnd(Inner, ref state);
        var stateType = _structStateType;
        if (!hasFormat || last.Value is not string template || head == 0 || stateType is null)
        {
            return ForResolution(head, hasFormat, FindKept(Inner, Settings, ref state, head));
        }

        if (LastTemplateShape.Get(this, stateType, template) is LogStateShape<TState> recent && recent.Head == head)
        {
            return recent;
        }

        var key = new TemplateKey(stateType, template);
        if (!_byTemplate!.TryGetValue(key, out var resolved) || resolved.Head != head || !resolved.HasFormat)
        {
            resolved = ForResolution(head, true, FindKept(Inner, Settings, ref state, head));
            if (_byTemplate.Count < MaxCachedTemplates)
            {
                _byTemplate.TryAdd(key, resolved);
            }
        }

        LastTemplateShape.Set(this, stateType, template, resolved);
        return resolved;
    }

    /// <summary>A record's own resolved shape: computed from its state, neither looked up nor stored.</summary>
    private static LogStateShape<TState> ResolveUncached(
        CorrelationLoggerSettings settings, Func<TState, Exception?, string> formatter, FieldLayout layout, ref TState state)
    {
        var inner = InnerList<TState>.Instance;
        var (head, hasFormat, _) = ReadEnd(inner, ref state);
        return new LogStateShape<TState>(settings, formatter, layout, head, hasFormat, FindKept(inner, settings, ref state, head) & settings.FieldMask);
    }

    /// <summary>How many of the caller's entries come before ours, whether <c>{OriginalFormat}</c> ends its list, and its last entry.</summary>
    private static (int Head, bool HasFormat, KeyValuePair<string, object?> Last) ReadEnd(InnerList<TState> inner, ref TState state)
    {
        var count = state is IReadOnlyList<KeyValuePair<string, object?>> ? inner.Count(ref state) : 0;
        if (count <= 0)
        {
            return (0, false, default);
        }

        var last = inner.Item(ref state, count - 1);
        var hasFormat = string.Equals(last.Key, OriginalFormatKey, StringComparison.Ordinal);
        return (hasFormat ? count - 1 : count, hasFormat, last);
    }

    private LogStateShape<TState> ForResolution(int head, bool hasFormat, ulong kept)
    {
        kept &= Settings.FieldMask;
        var key = (head, hasFormat, kept);
        if (_byResolution!.TryGetValue(key, out var resolved))
        {
            return resolved;
        }

        resolved = new LogStateShape<TState>(this, head, hasFormat, kept);
        return _byResolution.Count < MaxCachedResolutions ? _byResolution.GetOrAdd(key, resolved) : resolved;
    }

    /// <summary>The mask of fields whose names are not among the first <paramref name="count"/> keys of the caller's state.</summary>
    private static ulong FindKept(InnerList<TState> inner, CorrelationLoggerSettings settings, ref TState state, int count)
    {
        var names = settings.Names;
        var kept = ulong.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var key = inner.Item(ref state, i).Key;
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

    /// <summary>How many captured values of a record are written, given what it copied (see <see cref="CorrelatedLogState{TState}"/>).</summary>
    public int CountCaptured(object? values)
    {
        var kept = CapturedKept;
        if (kept == 0 || values is null)
        {
            return 0;
        }

        if (values is string)
        {
            return 1;
        }

        var slots = (string?[])values;
        var count = 0;
        for (var slot = 0; slot < slots.Length; slot++)
        {
            if (slots[slot] is not null && (kept & (1UL << slot)) != 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The slot of the <paramref name="nth"/> written captured value, or -1.</summary>
    public int FindCaptured(object? values, int nth)
    {
        var kept = CapturedKept;
        if (kept == 0 || values is null)
        {
            return -1;
        }

        if (values is string)
        {
            return nth == 0 ? 0 : -1;
        }

        var slots = (string?[])values;
        for (var slot = 0; slot < slots.Length; slot++)
        {
            if (slots[slot] is not null && (kept & (1UL << slot)) != 0 && nth-- == 0)
            {
                return slot;
            }
        }

        return -1;
    }
}
