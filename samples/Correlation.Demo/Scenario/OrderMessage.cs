namespace Correlation.Demo.Scenario;

/// <summary>An "order placed" message on the in-process queue: a body and byte[] headers, as a broker would carry them.</summary>
internal sealed record OrderMessage(string OrderId, decimal Amount, IDictionary<string, byte[]> Headers);
