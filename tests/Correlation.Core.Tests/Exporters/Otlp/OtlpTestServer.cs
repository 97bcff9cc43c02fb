using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Correlation.Core.Tests.Exporters.Otlp;

/// <summary>A real Kestrel server on 127.0.0.1 that receives OTLP/HTTP posts and answers as the test says.</summary>
internal sealed class OtlpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private OtlpTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>One received request: decompressed body, content type, headers, arrival time.</summary>
    public sealed record Received(byte[] Body, string? ContentType, string? ContentEncoding, IReadOnlyDictionary<string, string> Headers, DateTime At);

    public int Port { get; }

    public Uri TracesUri => new($"http://127.0.0.1:{Port}/v1/traces");

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a server; <paramref name="respond"/> gets the 1-based request number and writes the answer.</summary>
    public static async Task<OtlpTestServer> StartAsync(Func<int, HttpContext, Task> respond, int port = 0)
    {
        port = port == 0 ? FreePort() : port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new OtlpTestServer(app, port);
        app.MapPost("/v1/traces", async context =>
        {
            var number = Interlocked.Increment(ref server._count);
            using var body = new MemoryStream();
            Stream source = context.Request.Body;
            var encoding = context.Request.Headers.ContentEncoding.ToString();
            if (encoding == "gzip")
            {
                source = new GZipStream(source, CompressionMode.Decompress);
            }

            await source.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            server.Requests.Enqueue(new Received(body.ToArray(), context.Request.ContentType, encoding.Length == 0 ? null : encoding, headers, DateTime.UtcNow));
            await respond(number, context);
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>Answers 200 with an empty OTLP response.</summary>
    public static Task Ok(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
