namespace Correlation.Demo.Scenario;

/// <summary>The inventory's answer.</summary>
internal sealed record StockReply(string Sku, int Items, bool Reserved);
