using System.Diagnostics;
using System.Net.Http.Json;
using Correlation.Demo.Logging;

namespace Correlation.Demo.Scenario;

/// <summary>
/// The story, driven from the edge: two orders are POSTed (baggage <c>tenant.id=acme-corp</c> set at the edge), the
/// order service checks the inventory over HttpClient and publishes an "order placed" message for each, and the
/// worker consumes both in one batch and takes the payments (the first attempt fails and is retried).
/// </summary>
internal static class OrderScenario
{
    /// <summary>The tenant set as baggage at the edge.</summary>
    public const string Tenant = "acme-corp";

    /// <summary>The orders placed.</summary>
    public static readonly OrderRequest[] Orders =
    [
        new("ord-1001", "SKU-RED-MUG", 3, 42.00m),
        new("ord-1002", "SKU-TEA-TIN", 2, 17.50m),
    ];

    /// <summary>Runs the story once.</summary>
    /// <param name="port">The order service's port (0: a free one).</param>
    /// <param name="pipeline">The telemetry pipeline: loggers and span recording.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The address the order service listened on.</returns>
    public static async Task<Uri> RunAsync(int port, TelemetryPipeline pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var queue = new OrderQueue();
        var worker = new FulfillmentWorker(queue, new PaymentGateway(), pipeline.WorkerLogger);
        Uri address;
        var service = await OrderService.StartAsync(port, queue, pipeline.InventoryLogger, pipeline.ConfigureOrderServiceLogging, cancellationToken).ConfigureAwait(false);
        await using (service.ConfigureAwait(false))
        {
            address = service.BaseAddress;
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };

            // One untraced round trip first, so the first trace shows the story rather than the JIT and the first connection.
            using (var warm = await client.PostAsJsonAsync("warmup", Orders[0], cancellationToken).ConfigureAwait(false))
            {
                warm.EnsureSuccessStatusCode();
            }

            await client.GetFromJsonAsync<StockReply>("warmup/SKU?quantity=1", cancellationToken).ConfigureAwait(false);
            pipeline.StartTracing();
            foreach (var order in Orders)
            {
                await PlaceOrderAsync(client, order, cancellationToken).ConfigureAwait(false);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await worker.ProcessBatchAsync(Orders.Length, timeout.Token).ConfigureAwait(false);
        }

        return address;
    }

    private static async Task PlaceOrderAsync(HttpClient client, OrderRequest order, CancellationToken cancellationToken)
    {
        // The edge: where the request enters the system and the tenant becomes baggage that travels with it.
        using var edge = DemoTelemetry.Source.StartActivity("checkout", ActivityKind.Client);
        edge?.SetTag("order.id", order.OrderId);
        edge?.AddBaggage(DemoFields.Tenant, Tenant);
        using var response = await client.PostAsJsonAsync("orders", order, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"POST /orders answered {(int)response.StatusCode} for {order.OrderId}");
        }
    }
}
