namespace Correlation.Demo.Scenario;

/// <summary>The body of <c>POST /orders</c>.</summary>
internal sealed record OrderRequest(string OrderId, string Sku, int Quantity, decimal Amount);
