using System.Threading.Channels;

namespace Correlation.Demo.Scenario;

/// <summary>The in-process stand-in for a message broker's "orders" queue.</summary>
internal sealed class OrderQueue
{
    /// <summary>The queue name, as messaging spans report it.</summary>
    public const string Name = "orders";

    private readonly Channel<OrderMessage> _channel = Channel.CreateUnbounded<OrderMessage>();

    /// <summary>Puts a message on the queue.</summary>
    /// <param name="message">The message.</param>
    public void Enqueue(OrderMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>Waits for at least one message, then takes up to <paramref name="max"/> of those waiting.</summary>
    /// <param name="max">The batch size limit.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The batch, never empty.</returns>
    public async Task<List<OrderMessage>> ReceiveBatchAsync(int max, CancellationToken cancellationToken)
    {
        var batch = new List<OrderMessage>();
        while (batch.Count == 0)
        {
            await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
            while (batch.Count < max && _channel.Reader.TryRead(out var message))
            {
                batch.Add(message);
            }
        }

        return batch;
    }
}
