namespace Correlation.Demo.Terminal;

/// <summary>One finished span as the terminal view draws it.</summary>
internal sealed record SpanView(
    string SpanId,
    string? ParentSpanId,
    string Name,
    DateTime StartUtc,
    TimeSpan Duration,
    bool IsError,
    string? StatusDescription,
    IReadOnlyList<SpanEventView> Events,
    IReadOnlyList<SpanLinkView> Links)
{
    /// <summary>When the span ended.</summary>
    public DateTime EndUtc => StartUtc + Duration;
}
