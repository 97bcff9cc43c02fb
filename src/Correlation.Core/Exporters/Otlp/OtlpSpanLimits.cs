namespace Correlation.Exporters.Otlp;

/// <summary>
/// The per-span limits the writers enforce: the provider's <see cref="Trace.SpanLimits"/> when the exporter belongs to
/// one, else 128 of each (shared/SPEC.md 18). What lies beyond a limit is not written and is reported in the matching
/// <c>dropped_*_count</c> field, added to what the SDK already dropped.
/// </summary>
internal sealed class OtlpSpanLimits
{
    public static readonly OtlpSpanLimits Default = new();

    /// <summary>The limits a provider applies, so the exporter writes every attribute, event and link the SDK kept.</summary>
    public static OtlpSpanLimits From(Trace.SpanLimits limits) => new()
    {
        AttributeCount = limits.AttributeCountLimit,
        EventCount = limits.EventCountLimit,
        LinkCount = limits.LinkCountLimit,
        AttributesPerEvent = limits.AttributePerEventCountLimit,
        AttributesPerLink = limits.AttributePerLinkCountLimit,
    };

    public int AttributeCount { get; init; } = 128;

    public int EventCount { get; init; } = 128;

    public int LinkCount { get; init; } = 128;

    public int AttributesPerEvent { get; init; } = 128;

    public int AttributesPerLink { get; init; } = 128;
}
