using SerilogLogger = Serilog.ILogger;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Correlation.Propagation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Correlation.Demo.Scenario;

/// <summary>
/// The order service: ASP.NET Core on 127.0.0.1 with <c>POST /orders</c> (logs through Microsoft.Extensions.Logging)
/// and <c>GET /inventory/{sku}</c> (the inventory, logs through Serilog). An order checks the inventory over
/// HttpClient, then publishes an "order placed" message.
/// </summary>
internal sealed class OrderService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _inventoryClient;

    private OrderService(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        _inventoryClient = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts the service.</summary>
    /// <param name="port">The port on 127.0.0.1; 0 picks a free one.</param>
    /// <param name="queue">Where accepted orders are published.</param>
    /// <param name="inventoryLog">The inventory's Serilog logger.</param>
    /// <param name="configureLogging">Sets up Microsoft.Extensions.Logging for the order service.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The running service.</returns>
    /// <exception cref="DemoException">The port is already in use.</exception>
    public static async Task<OrderService> StartAsync(
        int port,
        OrderQueue queue,
        SerilogLogger inventoryLog,
        Action<ILoggingBuilder> configureLogging,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = DemoTelemetry.ServiceName });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        configureLogging(builder.Logging);

        var app = builder.Build();
        OrderService? service = null;
        app.UseRouting();
        app.Use(NameServerSpan);
        app.MapPost("/orders", (OrderRequest order, ILogger<OrderService> log, CancellationToken ct) => service!.PlaceOrderAsync(order, queue, log, ct));
        // Warm-up endpoints: the same binding and JSON paths as the story's, without logging, called before tracing starts.
        app.MapPost("/warmup", (OrderRequest order) => Results.Accepted($"/orders/{order.OrderId}", new { order.OrderId, Status = "warm" }));
        app.MapGet("/warmup/{sku}", (string sku, int quantity) => new StockReply(sku, quantity, Reserved: true));
        app.MapGet("/inventory/{sku}", (string sku, int quantity, CancellationToken ct) => CheckInventoryAsync(sku, quantity, inventoryLog, ct));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new DemoException(
                DemoExitCodes.PortInUse,
                $"port {port} on 127.0.0.1 is already in use ({ex.Message.TrimEnd('.')}). Choose another with --port, or leave --port out to use a free one.");
        }

        var address = app.Urls.First();
        service = new OrderService(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return service;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _inventoryClient.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // ASP.NET Core's own server span carries no semantic-convention tags (OpenTelemetry's instrumentation package adds
    // them); the demo names it "POST /orders" and tags it itself, so the terminal and the backend show the route.
    private static async Task NameServerSpan(HttpContext context, RequestDelegate next)
    {
        var span = context.Features.Get<IHttpActivityFeature>()?.Activity;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (span is not null)
        {
            span.DisplayName = route is null ? context.Request.Method : context.Request.Method + " " + route;
            span.SetTag("http.request.method", context.Request.Method);
            span.SetTag("url.path", context.Request.Path.Value);
            span.SetTag("http.route", route);
        }

        await next(context).ConfigureAwait(false);
        span?.SetTag("http.response.status_code", context.Response.StatusCode);
    }

    private async Task<IResult> PlaceOrderAsync(OrderRequest order, OrderQueue queue, ILogger log, CancellationToken cancellationToken)
    {
        log.LogInformation("Order {OrderId} received: {Quantity} x {Sku}", order.OrderId, order.Quantity, order.Sku);

        var stock = await _inventoryClient.GetFromJsonAsync<StockReply>(
            $"inventory/{Uri.EscapeDataString(order.Sku)}?quantity={order.Quantity}", cancellationToken).ConfigureAwait(false);
        if (stock is not { Reserved: true })
        {
            log.LogWarning("Order {OrderId} rejected: {Sku} is out of stock", order.OrderId, order.Sku);
            return Results.Conflict();
        }

        var headers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        // Correlation.Propagation starts the producer span and writes traceparent, tracestate and baggage into the headers.
        using (var publish = MessagePropagation.StartPublish(DemoTelemetry.Source, DemoTelemetry.MessagingSystem, OrderQueue.Name, headers))
        {
            publish?.SetTag("messaging.message.id", order.OrderId);
            queue.Enqueue(new OrderMessage(order.OrderId, order.Amount, headers));
            log.LogInformation("Published \"order placed\" for {OrderId} to {Queue}", order.OrderId, OrderQueue.Name);
        }

        return Results.Accepted($"/orders/{order.OrderId}", new { order.OrderId, Status = "accepted" });
    }

    private static async Task<StockReply> CheckInventoryAsync(string sku, int quantity, SerilogLogger log, CancellationToken cancellationToken)
    {
        // Stands in for a database query, so the span has a visible length.
        await Task.Delay(TimeSpan.FromMilliseconds(8), cancellationToken).ConfigureAwait(false);
        Activity.Current?.AddEvent(new ActivityEvent("inventory_checked", tags: new ActivityTagsCollection { ["items"] = quantity }));
        log.Information("Reserved {Items} items of {Sku}", quantity, sku);
        return new StockReply(sku, quantity, Reserved: true);
    }
}
