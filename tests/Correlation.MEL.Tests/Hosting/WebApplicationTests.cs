using System.Diagnostics;
using Correlation.MEL.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Correlation.MEL.Tests.Hosting;

/// <summary>The one line in a real <c>WebApplication.CreateBuilder</c> app on Kestrel (127.0.0.1), logs exported by OpenTelemetry's provider.</summary>
public class WebApplicationTests
{
    [Fact]
    public async Task A_request_with_traceparent_logs_its_trace_id_through_the_opentelemetry_provider()
    {
        using var root = new TempContentRoot("""{ "Logging": { "Correlation": { "Names": { "SpanId": "spanId" } } } }""");
        var exporter = new CollectingLogExporter();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = root.Path, Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddOpenTelemetry(o => o.AddProcessor(new SimpleLogRecordExportProcessor(exporter)));
        builder.Logging.AddTraceCorrelation();

        await using var app = builder.Build();
        string? serverSpanId = null;
        app.MapGet("/orders/{id}", (string id, ILogger<WebApplicationTests> logger) =>
        {
            serverSpanId = Activity.Current?.SpanId.ToHexString();
            AppLog.OrderPlaced(logger, id, 1);
            return Results.Ok(id);
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient();
            const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            using var request = new HttpRequestMessage(HttpMethod.Get, address + "/orders/o-42");
            request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();

            ExportedRecord record;
            lock (exporter.Records)
            {
                record = Assert.Single(exporter.Records, r => r.Get("OrderId") as string == "o-42");
            }

            Assert.Equal(TraceId, record.Get("trace_id"));
            Assert.NotNull(serverSpanId);
            Assert.Equal(serverSpanId, record.Get("spanId"));
            Assert.Null(record.Get("span_id"));
            Assert.Equal(1, record.CountOf("trace_id"));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
