namespace Correlation.Trace;

/// <summary>
/// What <see cref="SpanLimits"/> dropped from one span, and the limits exporters apply to its events and links (they
/// write only the first <see cref="EventCountLimit"/> events, each with its first <see cref="AttributePerEventCountLimit"/>
/// attributes, and report the rest as <c>dropped_*_count</c>). Read it with <c>SpanLimits.GetDroppedCounts(span)</c>.
/// </summary>
internal sealed record SpanLimitCounts(
    int DroppedAttributes,
    int DroppedEvents,
    int DroppedLinks,
    int EventCountLimit,
    int LinkCountLimit,
    int AttributePerEventCountLimit,
    int AttributePerLinkCountLimit)
{
    public static SpanLimitCounts None { get; } = new(0, 0, 0, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);
}
