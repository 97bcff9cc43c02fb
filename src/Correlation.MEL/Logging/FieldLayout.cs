namespace Correlation.Logging;

/// <summary>
/// Where a record's correlation values come from, for records written inside a span or outside any span: fields read
/// from the span when a provider asks (its ids, fixed for its life and always present) and fields whose values are
/// copied when the record is written (everything that can change or be missing: parent id, flags, tracestate, baggage,
/// resource, and every field outside a span).
/// </summary>
internal sealed class FieldLayout
{
    public FieldLayout(int[] fromSpan, int[] captured, string[] names)
    {
        FromSpan = fromSpan;
        Captured = captured;
        CapturedNames = Array.ConvertAll(captured, field => names[field]);
    }

    /// <summary>Field indexes read from the span on demand; always a leading run of the field order.</summary>
    public int[] FromSpan { get; }

    /// <summary>Field indexes whose values a record copies when it is written, in field order (its value slots).</summary>
    public int[] Captured { get; }

    /// <summary>The names of the <see cref="Captured"/> fields, by slot.</summary>
    public string[] CapturedNames { get; }
}
