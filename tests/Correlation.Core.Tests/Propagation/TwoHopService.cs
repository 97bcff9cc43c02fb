using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Correlation.Context;
using Correlation.Propagation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Correlation.Core.Tests.Propagation;

/// <summary>
/// A real ASP.NET Core service on 127.0.0.1 with two endpoints: <c>/front</c> calls <c>/back</c> with an
/// <see cref="HttpClient"/> and returns what <c>/back</c> received, plus what <c>/front</c> itself saw. Built after
/// <see cref="CorrelationPropagator.Install"/>, so hosting and HttpClient use our propagator and nothing else.
/// </summary>
public sealed class TwoHopService : IAsyncLifetime
{
    private DistributedContextPropagator? _previous;
    private ActivityListener? _listener;
    private WebApplication? _app;
    private HttpClient? _outgoing;

    public HttpClient Client { get; } = new(new SocketsHttpHandler { ActivityHeadersPropagator = null, UseProxy = false });

    public Uri Front { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _previous = DistributedContextPropagator.Current;
        CorrelationPropagator.Install();

        // Sampling follows the parent, so the sampled flag that arrives is the one that was sent.
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent.TraceId == default || (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(_listener);

        _outgoing = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/front", async (HttpContext _) =>
        {
            var activity = Activity.Current!;
            var back = await _outgoing.GetStringAsync(new Uri(Front, "/back"));
            var seen = new Dictionary<string, string?>
            {
                ["traceId"] = activity.TraceId.ToHexString(),
                ["parentSpanId"] = activity.ParentSpanId.ToHexString(),
                ["recorded"] = activity.Recorded.ToString(),
                ["traceState"] = activity.TraceStateString,
                ["city"] = TraceBaggage.GetItem("city"),
                ["back"] = back,
            };
            return Results.Json(seen);
        });
        _app.MapGet("/back", (HttpContext context) =>
        {
            var received = new Dictionary<string, string?>();
            foreach (var name in new[] { "traceparent", "tracestate", "baggage" })
            {
                received[name] = context.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;
            }

            return Results.Json(received);
        });
        await _app.StartAsync();
        Front = new Uri(new Uri(_app.Urls.First()), "/front");
    }

    public async Task<(Dictionary<string, string?> Front, Dictionary<string, string?> Back)> CallAsync(string traceParent, string traceState, string baggage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Front);
        request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        request.Headers.TryAddWithoutValidation("tracestate", traceState);
        request.Headers.TryAddWithoutValidation("baggage", baggage);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var front = JsonSerializer.Deserialize<Dictionary<string, string?>>(await response.Content.ReadAsStringAsync())!;
        var back = JsonSerializer.Deserialize<Dictionary<string, string?>>(front["back"]!)!;
        return (front, back);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _outgoing?.Dispose();
        Client.Dispose();
        _listener?.Dispose();
        DistributedContextPropagator.Current = _previous!;
    }
}
