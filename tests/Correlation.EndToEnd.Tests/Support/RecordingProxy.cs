using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Correlation.EndToEnd.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 between the exporter and the dashboard: it forwards each OTLP request (gzip inflated)
/// and keeps a copy, so a test can check the fields the dashboard does not give back (flags, dropped counts, value types).
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();

    private RecordingProxy(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>One forwarded request: its decompressed body and content headers, and the backend's status.</summary>
    public sealed record Exchange(byte[] Body, string? ContentType, string? ContentEncoding, int Status);

    public int Port { get; }

    public Uri TracesEndpoint => new($"http://127.0.0.1:{Port}/v1/traces");

    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    public static async Task<RecordingProxy> StartAsync(Uri backendTracesEndpoint)
    {
        var port = AspireDashboard.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var proxy = new RecordingProxy(app, port);
        app.MapPost("/v1/traces", async context =>
        {
            using var raw = new MemoryStream();
            await context.Request.Body.CopyToAsync(raw);
            var encoding = context.Request.Headers.ContentEncoding.ToString();
            var body = raw.ToArray();
            if (encoding == "gzip")
            {
                // The Aspire Dashboard answers 400 to gzip bodies (the OpenTelemetry Collector takes them): the proxy
                // inflates them, as a gateway would, so the exporter's gzip is checked here and the content there.
                using var unzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await unzip.CopyToAsync(plain);
                body = plain.ToArray();
            }

            using var forward = new HttpRequestMessage(HttpMethod.Post, backendTracesEndpoint) { Content = new ByteArrayContent(body) };
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            using var answer = await proxy._forward.SendAsync(forward);
            proxy.Exchanges.Enqueue(new Exchange(body, context.Request.ContentType, encoding.Length == 0 ? null : encoding, (int)answer.StatusCode));
            context.Response.StatusCode = (int)answer.StatusCode;
            if (answer.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            await answer.Content.CopyToAsync(context.Response.Body);
        });
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}
