using System.Diagnostics;
using System.Text.Json;
using Correlation.Core.Tests.Support;
using Correlation.Exporters.Otlp;
using Correlation.Trace;

namespace Correlation.Core.Tests.Exporters.Otlp;

[Collection(EnvironmentCollection.Name)]
public class OtlpTracerProviderBuilderExtensionsTests
{
    [Fact]
    public async Task AddOtlpExporter_with_no_arguments_follows_the_environment()
    {
        await using var server = await OtlpTestServer.StartAsync(static (_, context) => OtlpTestServer.Ok(context));
        using var environment = new EnvironmentScope(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{server.Port}/"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", null),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", null),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme%20corp,authorization=Bearer%20t0k"),
            ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", null),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", null),
            ("OTEL_BSP_SCHEDULE_DELAY", "20"));
        using var source = new ActivitySource("Correlation.Tests.Otlp.Builder." + Guid.NewGuid().ToString("N")[..8]);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .ConfigureResource(static r => r.IgnoreEnvironment().AddService("builder-test"))
            .AddOtlpExporter()
            .Build();

        string spanId;
        using (var span = source.StartActivity("from the environment")!)
        {
            spanId = span.SpanId.ToHexString();
        }

        Assert.True(provider.ForceFlush(10_000));

        var request = Assert.Single(server.Requests);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("gzip", request.ContentEncoding);
        Assert.Equal("acme corp", request.Headers["x-tenant"]);
        Assert.Equal("Bearer t0k", request.Headers["authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        var resourceSpans = body.RootElement.GetProperty("resourceSpans")[0];
        Assert.Equal("builder-test", resourceSpans.GetProperty("resource").GetProperty("attributes")[0].GetProperty("value").GetProperty("stringValue").GetString());
        var sent = resourceSpans.GetProperty("scopeSpans")[0].GetProperty("spans")[0];
        Assert.Equal(spanId, sent.GetProperty("spanId").GetString());
        Assert.Equal("from the environment", sent.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AddOtlpExporter_options_set_in_code_beat_the_environment()
    {
        await using var server = await OtlpTestServer.StartAsync(static (_, context) => OtlpTestServer.Ok(context));
        using var environment = new EnvironmentScope(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1/"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"));
        using var source = new ActivitySource("Correlation.Tests.Otlp.Builder." + Guid.NewGuid().ToString("N")[..8]);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .AddOtlpExporter(
                o =>
                {
                    o.TracesEndpoint = server.TracesUri;
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                },
                b => b.MaxExportBatchSize = 2)
            .Build();

        for (var i = 0; i < 4; i++)
        {
            using var span = source.StartActivity("batched");
        }

        Assert.True(provider.ForceFlush(10_000));

        // Two batches of two: the batch size set in code, the endpoint and encoding set in code.
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.Equal(4, server.Requests.Sum(r => new ProtoReader(r.Body).Message(1).Message(2).Messages(2).Count));
    }

    [Fact]
    public async Task A_span_the_provider_kept_whole_under_raised_limits_is_exported_whole()
    {
        await using var server = await OtlpTestServer.StartAsync(static (_, context) => OtlpTestServer.Ok(context));
        using var source = new ActivitySource("Correlation.Tests.Otlp.Builder." + Guid.NewGuid().ToString("N")[..8]);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .SetSampler(new Correlation.Trace.Sampling.AlwaysOnSampler())
            .SetSpanLimits(new SpanLimits { AttributeCountLimit = 300, EventCountLimit = 300, LinkCountLimit = 300, AttributePerEventCountLimit = 300 })
            .AddOtlpExporter(o => o.TracesEndpoint = server.TracesUri)
            .Build();

        var links = Enumerable.Range(0, 150)
            .Select(_ => new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)))
            .ToArray();
        using (var span = source.StartActivity("wide", ActivityKind.Internal, default(ActivityContext), links: links)!)
        {
            var eventTags = new ActivityTagsCollection();
            for (var i = 0; i < 150; i++)
            {
                span.SetTag("k" + i, i);
                eventTags["e" + i] = i;
            }

            for (var i = 0; i < 150; i++)
            {
                span.AddEvent(new ActivityEvent("event " + i, tags: i == 0 ? eventTags : null));
            }
        }

        Assert.True(provider.ForceFlush(10_000));

        // 150 of each is within what the provider allows: nothing may be cut to the exporter's own default of 128.
        var sent = new ProtoReader(Assert.Single(server.Requests).Body).Message(1).Message(2).Messages(2).Single();
        Assert.Equal(150, sent.Messages(9).Count);
        Assert.False(sent.Has(10));
        Assert.Equal(150, sent.Messages(11).Count);
        Assert.False(sent.Has(12));
        Assert.Equal(150, sent.Messages(11)[0].Messages(3).Count);
        Assert.Equal(150, sent.Messages(13).Count);
        Assert.False(sent.Has(14));
    }

    [Fact]
    public async Task The_exporter_does_not_trace_its_own_requests_when_the_provider_listens_to_HttpClient()
    {
        // With "System.Net.Http" among the sources (as the README suggests), each export's POST would be a client span,
        // exported by the next export, whose POST is another span: an idle application exporting forever.
        await using var server = await OtlpTestServer.StartAsync(static (_, context) => OtlpTestServer.Ok(context));
        using var source = new ActivitySource("Correlation.Tests.Otlp.Loop." + Guid.NewGuid().ToString("N")[..8]);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name, "System.Net.Http")
            .SetSampler(new Correlation.Trace.Sampling.AlwaysOnSampler())
            .AddOtlpExporter(o => o.TracesEndpoint = server.TracesUri)
            .Build();

        using (source.StartActivity("work"))
        {
        }

        Assert.True(provider.ForceFlush(10_000));
        Assert.True(provider.ForceFlush(10_000));

        var scopes = server.Requests.SelectMany(r => new ProtoReader(r.Body).Message(1).Messages(2)).ToList();
        Assert.Contains(scopes, s => s.Message(1).String(1) == source.Name);
        var ownPosts = scopes
            .Where(s => s.Message(1).String(1) == "System.Net.Http")
            .SelectMany(s => s.Messages(2))
            .Where(span => span.Attributes(9).TryGetValue("url.full", out var url) && url is string u && u.StartsWith(server.TracesUri.ToString(), StringComparison.Ordinal))
            .ToList();
        Assert.Empty(ownPosts);

        // The application's own HttpClient calls are still traced.
        using var client = new HttpClient();
        using (var response = await client.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/other")))
        {
        }

        Assert.True(provider.ForceFlush(10_000));
        var all = server.Requests.SelectMany(r => new ProtoReader(r.Body).Message(1).Messages(2)).ToList();
        Assert.Contains(all, s => s.Message(1).String(1) == "System.Net.Http");
    }

    [Fact]
    public async Task The_exporter_does_not_trace_the_connections_it_opens_when_the_provider_listens_to_them()
    {
        // SocketsHttpHandler opens a connection on a pool thread, not on the exporter's: its connection_setup and
        // socket connect spans escaped a suppression kept per thread, and each new connection (every 2 minutes, or each
        // retry against a dead backend) became spans that the next export sent, so an idle application never was.
        await using var server = await OtlpTestServer.StartAsync(static (_, context) => OtlpTestServer.Ok(context));
        using var source = new ActivitySource("Correlation.Tests.Otlp.Connections." + Guid.NewGuid().ToString("N")[..8]);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name, "System.Net.*", "Experimental.System.Net.*")
            .SetSampler(new Correlation.Trace.Sampling.AlwaysOnSampler())
            .AddOtlpExporter(o => o.TracesEndpoint = server.TracesUri)
            .Build();

        using (source.StartActivity("work"))
        {
        }

        Assert.True(provider.ForceFlush(10_000));
        Assert.True(provider.ForceFlush(10_000));
        Assert.True(provider.ForceFlush(10_000));

        List<string> ScopesReceived() => server.Requests
            .SelectMany(r => new ProtoReader(r.Body).Message(1).Messages(2))
            .SelectMany(s => s.Messages(2).Select(_ => s.Message(1).String(1)))
            .ToList();

        var scopes = ScopesReceived();
        Assert.Contains(source.Name, scopes);
        Assert.DoesNotContain(scopes, s => s.StartsWith("Experimental.System.Net", StringComparison.Ordinal));

        // The application's own connections are still traced.
        using (var client = new HttpClient())
        using (var response = await client.GetAsync(new Uri($"http://127.0.0.1:{server.Port}/other")))
        {
        }

        Assert.True(provider.ForceFlush(10_000));
        Assert.Contains("Experimental.System.Net.Http.Connections", ScopesReceived());
    }

    [Fact]
    public void AddOtlpExporter_checks_its_builder()
        => Assert.Throws<ArgumentNullException>(() => OtlpTracerProviderBuilderExtensions.AddOtlpExporter(null!));

    [Fact]
    public void AddOtlpExporter_after_Build_throws_before_it_creates_an_exporter_and_its_worker()
    {
        var builder = TracerProvider.CreateBuilder();
        using var provider = builder.Build();
        var configured = false;
        var batchConfigured = false;

        Assert.Throws<InvalidOperationException>(() => builder.AddOtlpExporter(_ => configured = true, _ => batchConfigured = true));

        // Configured means created: an exporter with its HttpClient and a batch worker thread no provider would stop.
        Assert.False(configured);
        Assert.False(batchConfigured);
    }
}
