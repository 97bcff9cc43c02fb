using System.Diagnostics;
using Correlation.Configuration;
using Correlation.Diagnostics;

namespace Correlation.Trace;

/// <summary>
/// The most attributes, events and links one span keeps, and the most attributes per event and per link (128 each by
/// default, or <c>OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT</c>, <c>OTEL_SPAN_EVENT_COUNT_LIMIT</c>, <c>OTEL_SPAN_LINK_COUNT_LIMIT</c>,
/// <c>OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT</c>, <c>OTEL_LINK_ATTRIBUTE_COUNT_LIMIT</c>; <c>OTEL_ATTRIBUTE_COUNT_LIMIT</c> bounds
/// the three attribute counts whose own variable is unset). The SDK applies them when a
/// recording span ends, before any processor sees it: attributes beyond the limit are removed from the span; events,
/// links and their attributes cannot be removed from an <see cref="Activity"/>, so exporters write only the first ones
/// and report the rest as dropped.
/// </summary>
public sealed class SpanLimits
{
    /// <summary>The default of every limit (128).</summary>
    public const int DefaultLimit = 128;

    private const string PropertyName = "Correlation.SpanLimits";

    /// <summary>Creates limits from the environment, else 128 each.</summary>
    public SpanLimits()
        : this(SdkEnvironment.Process)
    {
    }

    internal SpanLimits(SdkEnvironment environment)
    {
        // The general attribute limit bounds every attribute collection whose own variable is unset (OpenTelemetry
        // specification, "Attribute Limits": model-specific limits take precedence over the general ones).
        var attributes = environment.ReadNonNegativeInt(SdkEnvironment.AttributeCountLimit, DefaultLimit);
        AttributeCountLimit = environment.ReadNonNegativeInt(SdkEnvironment.SpanAttributeCountLimit, attributes);
        EventCountLimit = environment.ReadNonNegativeInt(SdkEnvironment.SpanEventCountLimit, DefaultLimit);
        LinkCountLimit = environment.ReadNonNegativeInt(SdkEnvironment.SpanLinkCountLimit, DefaultLimit);
        AttributePerEventCountLimit = environment.ReadNonNegativeInt(SdkEnvironment.EventAttributeCountLimit, attributes);
        AttributePerLinkCountLimit = environment.ReadNonNegativeInt(SdkEnvironment.LinkAttributeCountLimit, attributes);
    }

    /// <summary>The most attributes (tags) a span keeps.</summary>
    public int AttributeCountLimit { get; set; }

    /// <summary>The most events a span keeps.</summary>
    public int EventCountLimit { get; set; }

    /// <summary>The most links a span keeps.</summary>
    public int LinkCountLimit { get; set; }

    /// <summary>The most attributes one event keeps.</summary>
    public int AttributePerEventCountLimit { get; set; }

    /// <summary>The most attributes one link keeps.</summary>
    public int AttributePerLinkCountLimit { get; set; }

    /// <summary>
    /// What the SDK dropped from a span, and the limits an exporter applies to its events and links. For a span
    /// within every limit (or not ended under this SDK) the counts are 0 and the limits <see cref="int.MaxValue"/>.
    /// </summary>
    internal static SpanLimitCounts GetDroppedCounts(Activity span)
        => span.GetCustomProperty(PropertyName) as SpanLimitCounts ?? SpanLimitCounts.None;

    internal SpanLimits Clone() => (SpanLimits)MemberwiseClone();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(AttributeCountLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(EventCountLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(LinkCountLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(AttributePerEventCountLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(AttributePerLinkCountLimit);
    }

    /// <summary>Applies the limits to an ended span: trims its attributes and records what exporters must drop.</summary>
    internal void Apply(Activity span)
    {
        var attributes = 0;
        foreach (ref readonly var _ in span.EnumerateTagObjects())
        {
            attributes++;
        }

        var events = 0;
        var eventAttributesOver = false;
        foreach (ref readonly var e in span.EnumerateEvents())
        {
            events++;
            if (!eventAttributesOver && events <= EventCountLimit && CountTags(e) > AttributePerEventCountLimit)
            {
                eventAttributesOver = true;
            }
        }

        var links = 0;
        var linkAttributesOver = false;
        foreach (ref readonly var l in span.EnumerateLinks())
        {
            links++;
            if (!linkAttributesOver && links <= LinkCountLimit && CountTags(l) > AttributePerLinkCountLimit)
            {
                linkAttributesOver = true;
            }
        }

        if (attributes <= AttributeCountLimit && events <= EventCountLimit && links <= LinkCountLimit &&
            !eventAttributesOver && !linkAttributesOver)
        {
            return;
        }

        // Another provider on the same source may have applied its limits to this Activity already: what it dropped
        // stays counted, and the stricter of each limit holds for both (they export the same Activity).
        var previous = GetDroppedCounts(span);
        var droppedAttributes = previous.DroppedAttributes;
        if (attributes > AttributeCountLimit)
        {
            droppedAttributes += attributes - AttributeCountLimit;
            TrimAttributes(span, AttributeCountLimit);
        }

        var eventLimit = Math.Min(EventCountLimit, previous.EventCountLimit);
        var linkLimit = Math.Min(LinkCountLimit, previous.LinkCountLimit);
        var counts = new SpanLimitCounts(
            droppedAttributes,
            Math.Max(0, events - eventLimit),
            Math.Max(0, links - linkLimit),
            eventLimit,
            linkLimit,
            Math.Min(AttributePerEventCountLimit, previous.AttributePerEventCountLimit),
            Math.Min(AttributePerLinkCountLimit, previous.AttributePerLinkCountLimit));
        span.SetCustomProperty(PropertyName, counts);

        if (CorrelationEventSource.Log.IsEnabled())
        {
            CorrelationEventSource.Log.Dropped(
                nameof(SpanLimits),
                counts.DroppedAttributes + counts.DroppedEvents + counts.DroppedLinks -
                    (previous.DroppedAttributes + previous.DroppedEvents + previous.DroppedLinks), // not reported twice
                "span '" + span.DisplayName + "' " + span.SpanId.ToHexString() + " exceeded its limits (attributes dropped " +
                counts.DroppedAttributes + ", events " + counts.DroppedEvents + ", links " + counts.DroppedLinks +
                (eventAttributesOver || linkAttributesOver ? ", and some event or link attributes" : string.Empty) + ")");
        }
    }

    private static int CountTags(in ActivityEvent e)
    {
        var count = 0;
        foreach (ref readonly var _ in e.EnumerateTagObjects())
        {
            count++;
        }

        return count;
    }

    private static int CountTags(in ActivityLink l)
    {
        var count = 0;
        foreach (ref readonly var _ in l.EnumerateTagObjects())
        {
            count++;
        }

        return count;
    }

    private static void TrimAttributes(Activity span, int keep)
    {
        // Activity can only remove a tag by key (the first with that key), so take them all off and put the first
        // `keep` back in order: that keeps duplicates added with AddTag exactly as they were.
        var all = new List<KeyValuePair<string, object?>>();
        foreach (ref readonly var tag in span.EnumerateTagObjects())
        {
            all.Add(tag);
        }

        foreach (var tag in all)
        {
            span.SetTag(tag.Key, null);
        }

        for (var i = 0; i < keep; i++)
        {
            span.AddTag(all[i].Key, all[i].Value);
        }
    }
}
