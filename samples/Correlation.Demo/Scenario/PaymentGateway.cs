namespace Correlation.Demo.Scenario;

/// <summary>A payment gateway that times out on its first call and then works: the transient fault the worker retries.</summary>
internal sealed class PaymentGateway
{
    private int _calls;

    /// <summary>Authorizes a payment.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="amount">The amount.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The authorization code.</returns>
    /// <exception cref="PaymentGatewayUnavailableException">On the first call.</exception>
    public async Task<string> AuthorizeAsync(string orderId, decimal amount, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(6), cancellationToken).ConfigureAwait(false);
        if (Interlocked.Increment(ref _calls) == 1)
        {
            throw new PaymentGatewayUnavailableException($"payment gateway timed out authorizing {amount:0.00} EUR for order {orderId}");
        }

        return "AUTH-" + orderId;
    }
}
