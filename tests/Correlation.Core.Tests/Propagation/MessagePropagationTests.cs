using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Correlation.Core.Tests.Support;
using Correlation.Propagation;
using Microsoft.Extensions.Logging;

namespace Correlation.Core.Tests.Propagation;

/// <summary>Producer and consumer spans over a real in-process queue carrying byte[] headers (the Kafka/RabbitMQ shape).</summary>
public class MessagePropagationTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private sealed record KafkaMessage(string Body, List<KeyValuePair<string, byte[]>> Headers);

    private sealed record RabbitMessage(string Body, Dictionary<string, byte[]> Headers);

    [Fact]
    public async Task A_batch_consumer_span_links_every_producer_span_and_logs_inside_it_carry_its_ids()
    {
        using var spans = new TestSpans();
        var queue = Channel.CreateUnbounded<KafkaMessage>();
        var producers = new List<Activity>();
        for (var trace = 0; trace < 3; trace++)
        {
            // Three independent requests, each publishing two messages: the batch mixes three traces.
            using var request = spans.Start("request " + trace);
            for (var i = 0; i < 2; i++)
            {
                var headers = new List<KeyValuePair<string, byte[]>>();
                using (var publish = MessagePropagation.StartPublish(spans.Source, "inproc", "orders", headers, PropagationCarriers.ByteHeaderListSetter))
                {
                    producers.Add(publish!);
                    Assert.Equal(ActivityKind.Producer, publish!.Kind);
                    Assert.Equal(request.SpanId, publish.ParentSpanId);
                }

                await queue.Writer.WriteAsync(new KafkaMessage($"order {trace}.{i}", headers));
            }
        }

        queue.Writer.Complete();
        var provider = new CollectingLoggerProvider();
        using var factory = CollectingLoggerProvider.CreateFactory(provider);
        var logger = factory.CreateLogger("consumer");

        Task<Activity?> consumer;
        using (ExecutionContext.SuppressFlow())
        {
            // The consumer loop shares no ambient context with the producers: all it knows comes from the headers.
            consumer = Task.Run(async () =>
            {
                var batch = new List<KafkaMessage>();
                await foreach (var message in queue.Reader.ReadAllAsync())
                {
                    batch.Add(message);
                }

                var carriers = batch.Select(m => (IList<KeyValuePair<string, byte[]>>)m.Headers).ToList();
                using var span = MessagePropagation.StartConsumeBatch(spans.Source, "inproc", "orders", carriers, PropagationCarriers.ByteHeaderListGetter);
                foreach (var message in batch)
                {
                    logger.LogInformation("handled {Body}", message.Body);
                }

                return span;
            });
        }

        var batchSpan = (await consumer.WaitAsync(s_wait))!;

        Assert.Equal(ActivityKind.Consumer, batchSpan.Kind);
        Assert.Equal("process orders", batchSpan.DisplayName);
        Assert.Equal(default, batchSpan.ParentSpanId);
        Assert.DoesNotContain(producers, p => p.TraceId == batchSpan.TraceId);
        Assert.Equal(6, batchSpan.GetTagItem(MessagePropagation.BatchMessageCountAttribute));
        Assert.Equal("inproc", batchSpan.GetTagItem(MessagePropagation.SystemAttribute));
        Assert.Equal("process", batchSpan.GetTagItem(MessagePropagation.OperationTypeAttribute));
        var links = batchSpan.Links.ToList();
        Assert.Equal(producers.Count, links.Count);
        for (var i = 0; i < producers.Count; i++)
        {
            Assert.Equal(producers[i].TraceId, links[i].Context.TraceId);
            Assert.Equal(producers[i].SpanId, links[i].Context.SpanId);
            Assert.Equal(producers[i].ActivityTraceFlags, links[i].Context.TraceFlags);
            Assert.True(links[i].Context.IsRemote);
        }

        Assert.Equal(3, links.Select(l => l.Context.TraceId).Distinct().Count());
        Assert.Equal(6, provider.Records.Count);
        Assert.All(provider.Records, record =>
        {
            Assert.Equal(batchSpan.TraceId.ToHexString(), record.Scope["TraceId"]);
            Assert.Equal(batchSpan.SpanId.ToHexString(), record.Scope["SpanId"]);
        });
    }

    [Fact]
    public async Task A_consumer_span_is_a_child_of_the_producer_span_and_sees_the_message_baggage()
    {
        using var spans = new TestSpans();
        var queue = Channel.CreateBounded<RabbitMessage>(1);
        var provider = new CollectingLoggerProvider();
        using var factory = CollectingLoggerProvider.CreateFactory(provider);
        var logger = factory.CreateLogger("consumer");

        Task<(Activity? Span, string? TenantOutside)> consumer;
        using (ExecutionContext.SuppressFlow())
        {
            consumer = Task.Run(async () =>
            {
                var message = await queue.Reader.ReadAsync();
                using (var span = MessagePropagation.StartConsume(spans.Source, "rabbitmq", "orders", message.Headers))
                {
                    logger.LogInformation("handling {Body}", message.Body);
                    logger.LogWarning("still handling");
                    span!.Stop();
                    logger.LogInformation("after the span");
                    return ((Activity?)span, Correlation.Context.TraceBaggage.GetItem("tenant"));
                }
            });
        }

        var producer = await PublishWithBaggageAsync(spans.Source, queue.Writer);
        var (consumerSpan, tenantOutside) = await consumer.WaitAsync(s_wait);

        Assert.NotNull(consumerSpan);
        Assert.Equal(ActivityKind.Consumer, consumerSpan.Kind);
        Assert.Equal(producer.TraceId, consumerSpan.TraceId);
        Assert.Equal(producer.SpanId, consumerSpan.ParentSpanId);
        Assert.True(consumerSpan.HasRemoteParent);
        Assert.Equal("acme", consumerSpan.GetBaggageItem("tenant"));
        Assert.Null(tenantOutside);

        var records = provider.Records.ToArray();
        Assert.Equal(3, records.Length);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(consumerSpan.TraceId.ToHexString(), records[i].Scope["TraceId"]);
            Assert.Equal(consumerSpan.SpanId.ToHexString(), records[i].Scope["SpanId"]);
            Assert.Equal(producer.SpanId.ToHexString(), records[i].Scope["ParentId"]);
            Assert.Equal("acme", records[i].Tenant);
        }

        Assert.False(records[2].Scope.ContainsKey("SpanId"));
        Assert.Null(records[2].Tenant);
    }

    [Fact]
    public void The_producer_headers_are_UTF8_bytes_holding_the_producer_span()
    {
        using var spans = new TestSpans();
        var headers = new Dictionary<string, byte[]>();

        using var publish = MessagePropagation.StartPublish(spans.Source, "kafka", "payments", headers)!;

        Assert.Equal("send payments", publish.DisplayName);
        Assert.Equal("send", publish.GetTagItem(MessagePropagation.OperationNameAttribute));
        Assert.Equal("payments", publish.GetTagItem(MessagePropagation.DestinationAttribute));
        Assert.Equal($"00-{publish.TraceId.ToHexString()}-{publish.SpanId.ToHexString()}-01", Encoding.UTF8.GetString(headers["traceparent"]));
    }

    [Fact]
    public void Without_a_listener_no_span_is_started_but_the_current_context_is_still_injected()
    {
        using var spans = new TestSpans();
        using var unheard = new ActivitySource("Correlation.Tests.Unheard." + Guid.NewGuid().ToString("N"));
        using var request = spans.Start("request");
        var headers = new Dictionary<string, byte[]>();

        var publish = MessagePropagation.StartPublish(unheard, "kafka", "payments", headers);

        Assert.Null(publish);
        Assert.Equal(request.Id, Encoding.UTF8.GetString(headers["traceparent"]));
    }

    [Fact]
    public void A_message_with_broken_headers_gets_a_consumer_span_under_the_ambient_parent_and_no_exception()
    {
        using var spans = new TestSpans();
        using var loop = spans.Start("consumer loop");

        using var fromGarbage = MessagePropagation.StartConsume(spans.Source, "kafka", "payments", new Dictionary<string, byte[]>
        {
            ["traceparent"] = [0xFF, 0xFE, 0x00, 0x2D],
            ["baggage"] = Encoding.UTF8.GetBytes("k=%FF;p,bad key=1"),
        })!;
        Assert.Equal(loop.SpanId, fromGarbage.ParentSpanId);
        Assert.Equal("\uFFFD", fromGarbage.GetBaggageItem("k"));
        fromGarbage.Stop();

        var asked = new List<string>();
        using var fromThrowingGetter = MessagePropagation.StartConsume(spans.Source, "kafka", "payments", asked, static (carrier, name) =>
        {
            carrier.Add(name);
            throw new InvalidOperationException("broken carrier");
        })!;
        Assert.Equal(loop.SpanId, fromThrowingGetter.ParentSpanId);
        Assert.Contains("traceparent", asked);
    }

    [Fact]
    public void Null_non_string_oversized_and_repeated_header_values_give_a_consumer_span_and_never_an_exception()
    {
        using var spans = new TestSpans();
        using var loop = spans.Start("consumer loop");
        const string Valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var manyMembers = string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"k{i}=v"));

        // RabbitMQ's shape: object values that are null, numbers, lists, or megabytes of text.
        var rabbit = new List<IDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["traceparent"] = null, ["baggage"] = null },
            new Dictionary<string, object?> { ["traceparent"] = 42, ["baggage"] = new List<object> { "k=v" } },
            new Dictionary<string, object?> { ["traceparent"] = new string('0', 5_000_000), ["baggage"] = new string(',', 5_000_000) },
            new Dictionary<string, object?> { ["traceparent"] = new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(Valid)), ["baggage"] = Encoding.UTF8.GetBytes(manyMembers) },
        };
        var parents = new List<ActivitySpanId>();
        var baggageCounts = new List<int>();
        foreach (var headers in rabbit)
        {
            using var consumer = MessagePropagation.StartConsume(spans.Source, "rabbitmq", "orders", headers, PropagationCarriers.ObjectHeadersGetter)!;
            parents.Add(consumer.ParentSpanId);
            baggageCounts.Add(consumer.Baggage.Count());
        }

        Assert.Equal([loop.SpanId, loop.SpanId, loop.SpanId, ActivitySpanId.CreateFromString("00f067aa0ba902b7")], parents);
        Assert.Equal([0, 0, 0, 64], baggageCounts);
        Assert.Same(loop, Activity.Current);

        // Kafka's shape: a name repeated many times (two traceparents are invalid), null keys and values.
        var kafka = new List<KeyValuePair<string, byte[]>> { new(null!, Encoding.UTF8.GetBytes(Valid)), new("traceparent", null!) };
        for (var i = 0; i < 50_000; i++)
        {
            kafka.Add(new("traceparent", Encoding.UTF8.GetBytes(Valid)));
            kafka.Add(new("baggage", Encoding.UTF8.GetBytes($"k{i}=v")));
        }

        using (var consumer = MessagePropagation.StartConsume(spans.Source, "kafka", "orders", (IList<KeyValuePair<string, byte[]>>)kafka, PropagationCarriers.ByteHeaderListGetter)!)
        {
            Assert.Equal(loop.SpanId, consumer.ParentSpanId);
            Assert.Equal(64, consumer.Baggage.Count());
        }

        using (var batch = MessagePropagation.StartConsumeBatch<IList<KeyValuePair<string, byte[]>>>(spans.Source, "kafka", "orders", [kafka, null!, kafka], PropagationCarriers.ByteHeaderListGetter)!)
        {
            Assert.Empty(batch.Links);
            Assert.Equal(loop.SpanId, batch.ParentSpanId);
        }

        Assert.Same(loop, Activity.Current);
    }

    [Fact]
    public void A_failure_after_the_span_started_stops_it_and_restores_the_previous_current_span()
    {
        using var spans = new TestSpans();
        using var source = new ActivitySource("Correlation.Tests.ThrowingListener." + Guid.NewGuid().ToString("N"));
        var started = new List<Activity>();
        using var throwing = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a =>
            {
                started.Add(a);
                throw new InvalidOperationException("listener failed");
            },
        };
        ActivitySource.AddActivityListener(throwing);
        using var events = new CorrelationEvents();
        using var loop = spans.Start("consumer loop");
        var headers = new Dictionary<string, byte[]>
        {
            ["traceparent"] = Encoding.UTF8.GetBytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        };

        var consumed = MessagePropagation.StartConsume(source, "kafka", "payments", headers);
        var batch = MessagePropagation.StartConsumeBatch<IDictionary<string, byte[]>>(source, "kafka", "payments", [headers], PropagationCarriers.ByteHeadersGetter);
        var published = MessagePropagation.StartPublish(source, "kafka", "payments", new Dictionary<string, byte[]>());

        Assert.Null(consumed);
        Assert.Null(batch);
        Assert.Null(published);
        Assert.Equal(3, started.Count);
        Assert.All(started, a => Assert.True(a.IsStopped));
        Assert.Same(loop, Activity.Current);
        Assert.Contains(events.Messages, m => m.Contains("MessagePropagation.StartConsume", StringComparison.Ordinal));
    }

    private static async Task<Activity> PublishWithBaggageAsync(ActivitySource source, ChannelWriter<RabbitMessage> writer)
    {
        // Runs in its own async flow, so the baggage set here does not leak into the test.
        OpenTelemetry.Baggage.SetBaggage("tenant", "acme");
        using var request = source.StartActivity("request")!;
        var headers = new Dictionary<string, byte[]>();
        using var publish = MessagePropagation.StartPublish(source, "rabbitmq", "orders", headers)!;
        await writer.WriteAsync(new RabbitMessage("order 1", headers));
        return publish;
    }
}
