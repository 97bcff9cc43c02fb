namespace Correlation.Demo.Terminal;

/// <summary>A link from a span to another span, usually the producer of a message consumed in a batch.</summary>
internal sealed record SpanLinkView(string TraceId, string SpanId);
