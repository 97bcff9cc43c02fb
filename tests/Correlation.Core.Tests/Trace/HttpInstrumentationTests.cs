using System.Diagnostics;
using Correlation.Trace;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Correlation.Core.Tests.Trace;

/// <summary>
/// The provider picks up what .NET already instruments, by source name: a real Kestrel server on 127.0.0.1
/// (<c>Microsoft.AspNetCore</c>) called by a real HttpClient (<c>System.Net.Http</c>).
/// </summary>
[Collection(Support.EnvironmentCollection.Name)]
public sealed class HttpInstrumentationTests
{
    [Fact]
    public async Task Server_and_client_spans_are_captured_by_source_name_and_share_one_trace()
    {
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder()
            .AddSource("Microsoft.AspNetCore", "System.Net.Http")
            .AddInMemoryExporter(spans)
            .Build();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/orders", () => Activity.Current?.TraceId.ToHexString() ?? "none");
        await app.StartAsync();

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var serverTraceId = await client.GetStringAsync(new Uri("/orders", UriKind.Relative));

        Assert.True(TraceTestKit.WaitUntil(() =>
        {
            lock (spans)
            {
                return spans.Count >= 2;
            }
        }));
        await app.StopAsync();

        Activity clientSpan;
        Activity serverSpan;
        lock (spans)
        {
            clientSpan = Assert.Single(spans, s => s.Source.Name == "System.Net.Http");
            serverSpan = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        }

        Assert.Equal(ActivityKind.Client, clientSpan.Kind);
        Assert.Equal(ActivityKind.Server, serverSpan.Kind);
        Assert.Equal(clientSpan.TraceId, serverSpan.TraceId);
        Assert.Equal(clientSpan.SpanId, serverSpan.ParentSpanId);
        Assert.True(serverSpan.HasRemoteParent);
        Assert.Equal(serverSpan.TraceId.ToHexString(), serverTraceId);
    }
}
