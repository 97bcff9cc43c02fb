using NLogLogger = NLog.Logger;
using System.Diagnostics;
using System.Globalization;
using Correlation.Propagation;
using Correlation.Trace;

namespace Correlation.Demo.Scenario;

/// <summary>
/// The worker: consumes "order placed" messages in batches (one span per batch, linked to each message's producer
/// span), and takes each order's payment, retrying the transient gateway failure. Logs through NLog.
/// </summary>
internal sealed class FulfillmentWorker(OrderQueue queue, PaymentGateway gateway, NLogLogger log)
{
    private const int MaxAttempts = 3;

    /// <summary>Consumes one batch.</summary>
    /// <param name="maxMessages">The batch size limit.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>How many orders were paid.</returns>
    public async Task<int> ProcessBatchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var messages = await queue.ReceiveBatchAsync(maxMessages, cancellationToken).ConfigureAwait(false);
        var headers = new List<IDictionary<string, byte[]>>(messages.Count);
        foreach (var message in messages)
        {
            headers.Add(message.Headers);
        }

        // A batch has one span of its own, a new trace, linked to every message it consumed:
        // https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#batch-receiving
        using var batch = MessagePropagation.StartConsumeBatch(
            DemoTelemetry.Source, DemoTelemetry.MessagingSystem, OrderQueue.Name, headers, PropagationCarriers.ByteHeadersGetter);
        log.Info("Received a batch of {Count} orders from {Queue}", messages.Count, OrderQueue.Name);

        var paid = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (await ProcessOrderAsync(messages[i], cancellationToken).ConfigureAwait(false))
            {
                paid++;
            }
        }

        log.Info("Batch done: {Paid} of {Count} orders paid", paid, messages.Count);
        return paid;
    }

    private async Task<bool> ProcessOrderAsync(OrderMessage message, CancellationToken cancellationToken)
    {
        using var order = DemoTelemetry.Source.StartActivity("fulfil order", ActivityKind.Internal);
        order?.SetTag("order.id", message.OrderId);
        // The message's baggage applies to its own order, not to the whole batch.
        CorrelationPropagator.Baggage.Extract(message.Headers, PropagationCarriers.ByteHeadersGetter).Baggage.AddTo(order);

        log.Info("Charging {Amount} EUR for order {OrderId}", message.Amount.ToString("0.00", CultureInfo.InvariantCulture), message.OrderId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            using var payment = DemoTelemetry.Source.StartActivity("authorize payment", ActivityKind.Client);
            payment?.SetTag("payment.attempt", attempt);
            try
            {
                var code = await gateway.AuthorizeAsync(message.OrderId, message.Amount, cancellationToken).ConfigureAwait(false);
                payment?.AddEvent(new ActivityEvent("payment_authorized", tags: new ActivityTagsCollection { ["authorization"] = code }));
                log.Info("Payment authorized for order {OrderId} on attempt {Attempt}", message.OrderId, attempt);
                return true;
            }
            catch (PaymentGatewayUnavailableException ex)
            {
                // Correlation.Trace's RecordException: the OpenTelemetry "exception" event and status Error.
                payment.RecordException(ex);
                if (attempt < MaxAttempts)
                {
                    log.Warn(ex, "Payment attempt {Attempt} for order {OrderId} failed ({Reason}), retrying", attempt, message.OrderId, ex.Message);
                }
                else
                {
                    log.Error(ex, "Payment for order {OrderId} failed after {Attempts} attempts", message.OrderId, attempt);
                }
            }
        }

        return false;
    }
}
