using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Correlation.Context;

namespace Correlation.Logging;

/// <summary>The compiled, immutable form of <see cref="TraceCorrelationLoggerOptions"/> one logger factory uses.</summary>
internal sealed class CorrelationLoggerSettings
{
    /// <summary>The meter whose <c>correlation.logs.dropped</c> counter counts dropped records.</summary>
    internal const string MeterName = "Correlation.MEL";

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_dropped = s_meter.CreateCounter<long>(
        "correlation.logs.dropped", unit: "{record}", description: "Log records dropped because their trace was not sampled.");

    // Templates are almost always literals, so a reference-keyed cache stays small; dynamic templates stop being
    // cached once it is full (they are then scanned on every record).
    private const int MaxCachedTemplates = 4096;

    [ThreadStatic]
    private static string? t_lastTemplate;
    [ThreadStatic]
    private static Type? t_lastStateType;
    [ThreadStatic]
    private static CorrelationLoggerSettings? t_lastSettings;
    [ThreadStatic]
    private static ulong t_lastKept;

    private readonly ConcurrentDictionary<TemplateKey, ulong> _keptByTemplate = new(TemplateKeyComparer.Instance);
    private long _dropped;

    public CorrelationLoggerSettings(TraceCorrelationLoggerOptions options)
    {
        FieldSet = TraceFieldSet.Create(options.Context.Clone());
        var fields = FieldSet.Fields;
        if (fields.Count > 64)
        {
            throw new ArgumentException($"At most 64 correlation fields are supported; {fields.Count} are configured.", nameof(options));
        }

        Names = new string[fields.Count];
        VolatileIndexes = new int[fields.Count];
        var volatileCount = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            Names[i] = fields[i].Name;
            if (fields[i].IsFixedPerSpan)
            {
                VolatileIndexes[i] = -1;
            }
            else
            {
                VolatileIndexes[i] = volatileCount++;
            }
        }

        VolatileCount = volatileCount;
        var presentWithSpan = 0UL;
        var checkedFields = new List<int>(fields.Count);
        AllFields = new int[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            AllFields[i] = i;
            if (fields[i].Kind is TraceFieldKind.TraceId or TraceFieldKind.SpanId && fields[i].IsFixedPerSpan)
            {
                presentWithSpan |= 1UL << i;
            }
            else
            {
                checkedFields.Add(i);
            }
        }

        PresentWithSpan = presentWithSpan;
        CheckedFields = checkedFields.ToArray();
        DropUnsampledTraces = options.DropUnsampledTraces;
    }

    public TraceFieldSet FieldSet { get; }

    /// <summary>The field names, by field index.</summary>
    public string[] Names { get; }

    /// <summary>
    /// For each field, -1 when its value is fixed for the life of a span (read when a provider asks), else its slot in
    /// the values a record captures when it is logged (baggage, flags, tracestate and resource can change).
    /// </summary>
    public int[] VolatileIndexes { get; }

    public int VolatileCount { get; }

    /// <summary>Fields that always have a value when there is a span (its ids): not read when a record is created.</summary>
    public ulong PresentWithSpan { get; }

    /// <summary>Every field index (outside a span every field is read: ids may have to be written empty).</summary>
    public int[] AllFields { get; }

    /// <summary>The other fields, read when a record is created to know whether they have a value.</summary>
    public int[] CheckedFields { get; }

    /// <summary>Whether a record outside any span can still get a field (baggage, resource, or empty values).</summary>
    public bool HasFieldsOutsideSpan => FieldSet.HasValuesOutsideSpan;

    public bool DropUnsampledTraces { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The cached mask of fields a template's state leaves to us (its keys are not field names).</summary>
    public bool TryGetKept(Type stateType, string template, out ulong kept)
    {
        // Last answer on this thread first: a thread usually writes the same template many times in a row.
        if (ReferenceEquals(t_lastTemplate, template) && ReferenceEquals(t_lastStateType, stateType) && ReferenceEquals(t_lastSettings, this))
        {
            kept = t_lastKept;
            return true;
        }

        if (!_keptByTemplate.TryGetValue(new TemplateKey(stateType, template), out kept))
        {
            return false;
        }

        Remember(stateType, template, kept);
        return true;
    }

    /// <summary>Caches the mask found for a template's state.</summary>
    public void StoreKept(Type stateType, string template, ulong kept)
    {
        if (_keptByTemplate.Count < MaxCachedTemplates)
        {
            _keptByTemplate.TryAdd(new TemplateKey(stateType, template), kept);
        }

        Remember(stateType, template, kept);
    }

    private void Remember(Type stateType, string template, ulong kept)
    {
        t_lastTemplate = template;
        t_lastStateType = stateType;
        t_lastSettings = this;
        t_lastKept = kept;
    }

    public void CountDropped()
    {
        Interlocked.Increment(ref _dropped);
        s_dropped.Add(1);
    }
}
