namespace Correlation.Context;

/// <summary>One compiled field of a <see cref="TraceFieldSet"/>: the name it is written under and where its value comes from.</summary>
public sealed class TraceField
{
    internal TraceField(string name, TraceFieldKind kind, string? key, bool isDecimal)
    {
        Name = name;
        Kind = kind;
        Key = key;
        IsDecimal = isDecimal;
    }

    /// <summary>The property name the field is written under, e.g. <c>trace_id</c>.</summary>
    public string Name { get; }

    /// <summary>Where the value comes from.</summary>
    public TraceFieldKind Kind { get; }

    /// <summary>The baggage key or resource attribute key for <see cref="TraceFieldKind.Baggage"/> and <see cref="TraceFieldKind.Resource"/>; otherwise <see langword="null"/>.</summary>
    public string? Key { get; }

    /// <summary>
    /// Whether the value is fixed for the life of a span (ids, and the Datadog decimals), so adapters may cache
    /// objects built from it per span. Flags, tracestate and baggage can change while a span runs and are read per event.
    /// </summary>
    public bool IsFixedPerSpan => Kind is TraceFieldKind.TraceId or TraceFieldKind.SpanId or TraceFieldKind.ParentSpanId;

    /// <summary>Whether ids are written as the decimal of their lower 64 bits (Datadog) rather than lowercase hex.</summary>
    internal bool IsDecimal { get; }

    /// <inheritdoc/>
    public override string ToString() => Key is null ? $"{Name} ({Kind})" : $"{Name} ({Kind} {Key})";
}
