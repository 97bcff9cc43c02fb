namespace Correlation.Exporters.Otlp;

/// <summary>
/// The per-span limits the writers enforce (shared/SPEC.md 18: 128 of each by default). What lies beyond a limit is
/// not written and is reported in the matching <c>dropped_*_count</c> field, added to what the SDK already dropped.
/// </summary>
internal sealed class OtlpSpanLimits
{
    public static readonly OtlpSpanLimits Default = new();

    public int AttributeCount { get; init; } = 128;

    public int EventCount { get; init; } = 128;

    public int LinkCount { get; init; } = 128;

    public int AttributesPerEvent { get; init; } = 128;

    public int AttributesPerLink { get; init; } = 128;
}
