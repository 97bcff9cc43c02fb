using System.Diagnostics;

namespace Correlation.Core.Tests.Exporters.Otlp;

/// <summary>
/// A realistic trace made of real Activities: server → client → producer → consumer (the consumer linked to the
/// producer, with tracestate), events, an exception, and attributes of every OTLP value type.
/// </summary>
internal sealed class OtlpTestTrace : IDisposable
{
    public const string SourceName = "Correlation.Tests.Otlp";
    public const string SourceVersion = "1.2.3";

    private readonly ActivityListener _listener;

    public OtlpTestTrace(string? sourceName = null)
    {
        Source = new ActivitySource(sourceName ?? SourceName + "." + Guid.NewGuid().ToString("N")[..8], SourceVersion, new[] { new KeyValuePair<string, object?>("scope.team", "payments") });
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, Source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivitySource Source { get; }

    public Activity Server { get; private set; } = null!;

    public Activity Client { get; private set; } = null!;

    public Activity Producer { get; private set; } = null!;

    public Activity Consumer { get; private set; } = null!;

    public static DateTime Start { get; } = new(2026, 11, 25, 9, 0, 0, 123, DateTimeKind.Utc);

    public Activity[] All => new[] { Consumer, Producer, Client, Server };

    /// <summary>Builds the four spans, all ended, as a remote caller (traceparent) would start them.</summary>
    public Activity[] Build()
    {
        var remoteParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=abc,other=x1", isRemote: true);
        Server = Source.StartActivity("GET /orders/{id}", ActivityKind.Server, remoteParent, startTime: Start)!;
        Server.SetTag("http.request.method", "GET");
        Server.SetTag("http.response.status_code", 500);
        Server.SetTag("server.port", 8080L);
        Server.SetTag("retry", false);
        Server.SetTag("cache.hit", true);
        Server.SetTag("load", 0.75);
        Server.SetTag("tags", new[] { "a", "b" });
        Server.SetTag("codes", new long[] { 200, 404 });
        Server.SetTag("weights", new[] { 0.5, 1.5 });
        Server.SetTag("flags", new[] { true, false });
        Server.AddEvent(new ActivityEvent("request.received", new DateTimeOffset(Start.AddMilliseconds(1)), new ActivityTagsCollection { ["size"] = 512L, ["encoding"] = "gzip" }));

        Client = Source.StartActivity("SELECT orders", ActivityKind.Client, Server.Context, startTime: Start.AddMilliseconds(2))!;
        Client.SetTag("db.system.name", "postgresql");
        Client.SetTag("db.response.returned_rows", 3);
        Client.SetEndTime(Start.AddMilliseconds(5));
        Client.SetStatus(ActivityStatusCode.Ok);
        Client.Stop();

        Producer = Source.StartActivity("publish orders", ActivityKind.Producer, Server.Context, startTime: Start.AddMilliseconds(6))!;
        Producer.SetTag("messaging.system", "rabbitmq");
        Producer.SetEndTime(Start.AddMilliseconds(7));
        Producer.Stop();

        var link = new ActivityLink(
            new ActivityContext(Producer.TraceId, Producer.SpanId, ActivityTraceFlags.Recorded, "congo=t61rcWkgMzE", isRemote: true),
            new ActivityTagsCollection { ["messaging.operation"] = "receive", ["batch.index"] = 0 });
        Consumer = Source.StartActivity("process orders", ActivityKind.Consumer, Producer.Context, new[] { new KeyValuePair<string, object?>("messaging.destination.name", "orders") }, new[] { link }, Start.AddMilliseconds(8))!;
        Consumer.AddException(new InvalidOperationException("order 42 not found"), timestamp: new DateTimeOffset(Start.AddMilliseconds(9)));
        Consumer.SetStatus(ActivityStatusCode.Error, "order 42 not found");
        Consumer.SetEndTime(Start.AddMilliseconds(10));
        Consumer.Stop();

        Server.SetStatus(ActivityStatusCode.Error, "internal error");
        Server.SetEndTime(Start.AddMilliseconds(20));
        Server.Stop();
        return All;
    }

    /// <summary>Unique spans for load tests: one short span per call, ended.</summary>
    public Activity NewSpan(string name)
    {
        var span = Source.StartActivity(name, ActivityKind.Internal)!;
        span.SetTag("i", 1);
        span.Stop();
        return span;
    }

    public void Dispose()
    {
        _listener.Dispose();
        Source.Dispose();
    }
}
