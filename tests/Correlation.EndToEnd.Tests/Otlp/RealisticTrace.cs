using System.Diagnostics;
using Correlation.Trace;

namespace Correlation.EndToEnd.Tests.Otlp;

/// <summary>
/// A trace as a real service makes it, through the SDK: a server span (continuing a remote caller with tracestate) →
/// a database client span → a producer → a consumer linked to the producer, with events, a recorded exception,
/// attributes of every OTLP value type, and one span over the provider's limits so that dropped counts are sent.
/// </summary>
internal sealed class RealisticTrace
{
    /// <summary>The limits the provider is built with; <see cref="Create"/> goes past each of them once.</summary>
    public static SpanLimits Limits => new()
    {
        AttributeCountLimit = 24,
        EventCountLimit = 3,
        LinkCountLimit = 2,
        AttributePerEventCountLimit = 4,
        AttributePerLinkCountLimit = 3,
    };

    private RealisticTrace(Activity server, Activity client, Activity producer, Activity consumer, ActivityContext remoteParent)
    {
        Server = server;
        Client = client;
        Producer = producer;
        Consumer = consumer;
        RemoteParent = remoteParent;
    }

    public Activity Server { get; }

    public Activity Client { get; }

    public Activity Producer { get; }

    public Activity Consumer { get; }

    public ActivityContext RemoteParent { get; }

    public Activity[] All => new[] { Server, Client, Producer, Consumer };

    public string TraceId => Server.TraceId.ToHexString();

    /// <summary>Runs the trace on <paramref name="source"/>, which the provider listens to; every span is ended.</summary>
    public static RealisticTrace Create(ActivitySource source)
    {
        var start = DateTime.UtcNow.AddSeconds(-5);
        var remoteParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=abc,other=x1", isRemote: true);
        var server = source.StartActivity("GET /orders/{id}", ActivityKind.Server, remoteParent, startTime: start)
            ?? throw new InvalidOperationException("The provider did not sample the server span.");
        server.SetTag("http.request.method", "GET");
        server.SetTag("url.path", "/orders/42");
        server.SetTag("http.response.status_code", 500);
        server.SetTag("server.port", 8080L);
        server.SetTag("order.total", -12.5);
        server.SetTag("order.rush", true);
        server.SetTag("order.gift", false);
        server.SetTag("order.tags", new[] { "express", "fragile" });
        server.SetTag("order.line_ids", new long[] { 7, 9_007_199_254_740_993 });
        server.SetTag("order.weights", new[] { 0.25, 1.5 });
        server.SetTag("order.checks", new[] { true, false });
        server.SetTag("order.note", "naïve café ✓ \"quoted\"");
        server.AddEvent(new ActivityEvent("request.received", new DateTimeOffset(start.AddMilliseconds(1)), new ActivityTagsCollection { ["size"] = 512L, ["encoding"] = "gzip" }));

        var client = source.StartActivity("SELECT orders", ActivityKind.Client, server.Context, startTime: start.AddMilliseconds(2))!;
        client.SetTag("db.system.name", "postgresql");
        client.SetTag("db.response.returned_rows", 3);
        client.SetEndTime(start.AddMilliseconds(5));
        client.SetStatus(ActivityStatusCode.Ok);
        client.Stop();

        var producer = source.StartActivity("publish orders", ActivityKind.Producer, server.Context, startTime: start.AddMilliseconds(6))!;
        producer.SetTag("messaging.system", "rabbitmq");

        // Past every limit: 30 attributes (limit 24), 5 events (limit 3), an event with 6 attributes (limit 4).
        for (var i = 0; i < 29; i++)
        {
            producer.SetTag("extra." + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), i);
        }

        producer.AddEvent(new ActivityEvent("wide", new DateTimeOffset(start.AddMilliseconds(6.1)), new ActivityTagsCollection { ["a"] = 1L, ["b"] = 2L, ["c"] = 3L, ["d"] = 4L, ["e"] = 5L, ["f"] = 6L }));
        for (var i = 1; i < 5; i++)
        {
            producer.AddEvent(new ActivityEvent("tick." + i, new DateTimeOffset(start.AddMilliseconds(6 + (i / 10.0)))));
        }

        producer.SetEndTime(start.AddMilliseconds(7));
        producer.Stop();

        var producerLink = new ActivityLink(
            new ActivityContext(producer.TraceId, producer.SpanId, ActivityTraceFlags.Recorded, "congo=t61rcWkgMzE", isRemote: true),
            new ActivityTagsCollection { ["messaging.operation"] = "receive", ["batch.index"] = 0L, ["batch.size"] = 3L, ["batch.first"] = true, ["batch.extra"] = "beyond the limit" });
        var otherLink = new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None));
        var droppedLink = new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded));
        var consumer = source.StartActivity(
            "process orders",
            ActivityKind.Consumer,
            producer.Context,
            new[] { new KeyValuePair<string, object?>("messaging.destination.name", "orders") },
            new[] { producerLink, otherLink, droppedLink },
            start.AddMilliseconds(8))!;
        try
        {
            throw new InvalidOperationException("order 42 not found");
        }
        catch (InvalidOperationException ex)
        {
            consumer.RecordException(ex);
        }

        consumer.SetEndTime(start.AddMilliseconds(10));
        consumer.Stop();

        server.SetStatus(ActivityStatusCode.Error, "internal error");
        server.SetEndTime(start.AddMilliseconds(20));
        server.Stop();
        return new RealisticTrace(server, client, producer, consumer, remoteParent);
    }
}
