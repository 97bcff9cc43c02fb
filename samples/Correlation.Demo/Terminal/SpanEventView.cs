namespace Correlation.Demo.Terminal;

/// <summary>A span event (<c>inventory_checked</c>, <c>exception</c>, ...) with the attributes worth showing.</summary>
internal sealed record SpanEventView(string Name, DateTime TimestampUtc, IReadOnlyList<KeyValuePair<string, string>> Attributes);
