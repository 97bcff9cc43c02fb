using System.Diagnostics;
using Correlation.Trace;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// The limits one span is written with: the exporter's own <see cref="OtlpSpanLimits"/> combined with what the SDK's
/// <see cref="SpanLimits"/> recorded on the span (the lower limit wins), plus the attributes the SDK already removed,
/// so that <c>dropped_attributes_count</c> tells the backend everything that was lost.
/// </summary>
internal readonly struct OtlpSpanBudget
{
    private OtlpSpanBudget(OtlpSpanLimits limits, SpanLimitCounts sdk)
    {
        AttributeCount = limits.AttributeCount;
        EventCount = Math.Min(limits.EventCount, sdk.EventCountLimit);
        LinkCount = Math.Min(limits.LinkCount, sdk.LinkCountLimit);
        AttributesPerEvent = Math.Min(limits.AttributesPerEvent, sdk.AttributePerEventCountLimit);
        AttributesPerLink = Math.Min(limits.AttributesPerLink, sdk.AttributePerLinkCountLimit);
        SdkDroppedAttributes = sdk.DroppedAttributes;
    }

    public int AttributeCount { get; }

    public int EventCount { get; }

    public int LinkCount { get; }

    public int AttributesPerEvent { get; }

    public int AttributesPerLink { get; }

    /// <summary>Span attributes the SDK trimmed before the span reached the exporter.</summary>
    public int SdkDroppedAttributes { get; }

    public static OtlpSpanBudget For(Activity activity, OtlpSpanLimits limits) => new(limits, SpanLimits.GetDroppedCounts(activity));
}
