using System.Diagnostics;
using Correlation.Trace;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// The limits one span is written with: the exporter's (its provider's <see cref="SpanLimits"/>, else 128 of each, shared/SPEC.md 18)
/// combined with what the SDK's <see cref="SpanLimits"/> recorded on the span (the lower limit wins), plus the attributes the SDK already removed,
/// so that <c>dropped_attributes_count</c> tells the backend everything that was lost.
/// </summary>
internal readonly struct OtlpSpanBudget
{
    private OtlpSpanBudget(SpanLimits limits, SpanLimitCounts sdk)
    {
        AttributeCount = limits.AttributeCountLimit;
        EventCount = Math.Min(limits.EventCountLimit, sdk.EventCountLimit);
        LinkCount = Math.Min(limits.LinkCountLimit, sdk.LinkCountLimit);
        AttributesPerEvent = Math.Min(limits.AttributePerEventCountLimit, sdk.AttributePerEventCountLimit);
        AttributesPerLink = Math.Min(limits.AttributePerLinkCountLimit, sdk.AttributePerLinkCountLimit);
        SdkDroppedAttributes = sdk.DroppedAttributes;
    }

    public int AttributeCount { get; }

    public int EventCount { get; }

    public int LinkCount { get; }

    public int AttributesPerEvent { get; }

    public int AttributesPerLink { get; }

    /// <summary>Span attributes the SDK trimmed before the span reached the exporter.</summary>
    public int SdkDroppedAttributes { get; }

    public static OtlpSpanBudget For(Activity activity, SpanLimits limits) => new(limits, SpanLimits.GetDroppedCounts(activity));
}
