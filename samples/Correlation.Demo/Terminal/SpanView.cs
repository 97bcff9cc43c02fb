namespace Correlation.Demo.Terminal;

/// <summary>One finished span as the terminal view draws it; <see cref="Kind"/> is "server", "client", "producer", "consumer" or null (internal).</summary>
internal sealed record SpanView(
    string SpanId,
    string? ParentSpanId,
    string Name,
    string? Kind,
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
