using System.Text.Json;
using Correlation.Exporters.Otlp;
using Correlation.Trace;

namespace Correlation.Core.Tests.Exporters.Otlp;

public class OtlpJsonSerializerTests
{
    private static JsonElement Serialize(OtlpTestTrace trace, System.Diagnostics.Activity[] batch)
    {
        using var exporter = new OtlpHttpExporter(new OtlpExporterOptions(_ => null) { Protocol = OtlpExportProtocol.HttpJson });
        exporter.Resource = new ResourceBuilder().IgnoreEnvironment().AddService("orders").AddAttribute("host.cores", 8).Build();
        using var document = JsonDocument.Parse(exporter.SerializeForTest(batch).ToArray());
        return document.RootElement.Clone();
    }

    private static JsonElement Span(JsonElement root, string name) =>
        root.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == name);

    private static JsonElement Attribute(JsonElement owner, string key) =>
        owner.GetProperty("attributes").EnumerateArray().Single(a => a.GetProperty("key").GetString() == key).GetProperty("value");

    [Fact]
    public void Ids_are_lowercase_hex_enums_are_integers_and_int64_are_decimal_strings()
    {
        using var trace = new OtlpTestTrace();
        var root = Serialize(trace, trace.Build());
        var server = Span(root, "GET /orders/{id}");

        Assert.Equal(trace.Server.TraceId.ToHexString(), server.GetProperty("traceId").GetString());
        Assert.Equal(trace.Server.SpanId.ToHexString(), server.GetProperty("spanId").GetString());
        Assert.Equal(trace.Server.ParentSpanId.ToHexString(), server.GetProperty("parentSpanId").GetString());
        Assert.Equal("vendor=abc,other=x1", server.GetProperty("traceState").GetString());
        Assert.Equal(2, server.GetProperty("kind").GetInt32());
        Assert.Equal(0x301, server.GetProperty("flags").GetInt32());
        var startNanos = (ulong)(OtlpTestTrace.Start - DateTime.UnixEpoch).Ticks * 100;
        Assert.Equal(startNanos.ToString(System.Globalization.CultureInfo.InvariantCulture), server.GetProperty("startTimeUnixNano").GetString());
        Assert.Equal((startNanos + 20_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), server.GetProperty("endTimeUnixNano").GetString());
        Assert.Equal(2, server.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("internal error", server.GetProperty("status").GetProperty("message").GetString());
    }

    [Fact]
    public void Every_value_type_uses_its_any_value_key()
    {
        using var trace = new OtlpTestTrace();
        var server = Span(Serialize(trace, trace.Build()), "GET /orders/{id}");

        Assert.Equal("GET", Attribute(server, "http.request.method").GetProperty("stringValue").GetString());
        Assert.Equal("500", Attribute(server, "http.response.status_code").GetProperty("intValue").GetString());
        Assert.True(Attribute(server, "cache.hit").GetProperty("boolValue").GetBoolean());
        Assert.Equal(0.75, Attribute(server, "load").GetProperty("doubleValue").GetDouble());
        var codes = Attribute(server, "codes").GetProperty("arrayValue").GetProperty("values");
        Assert.Equal(new[] { "200", "404" }, codes.EnumerateArray().Select(v => v.GetProperty("intValue").GetString()));
        var tags = Attribute(server, "tags").GetProperty("arrayValue").GetProperty("values");
        Assert.Equal(new[] { "a", "b" }, tags.EnumerateArray().Select(v => v.GetProperty("stringValue").GetString()));
    }

    [Fact]
    public void Resource_scope_events_and_links_use_lower_camel_case()
    {
        using var trace = new OtlpTestTrace();
        var root = Serialize(trace, trace.Build());
        var resourceSpans = root.GetProperty("resourceSpans")[0];
        Assert.Equal("orders", Attribute(resourceSpans.GetProperty("resource"), "service.name").GetProperty("stringValue").GetString());
        Assert.Equal("8", Attribute(resourceSpans.GetProperty("resource"), "host.cores").GetProperty("intValue").GetString());
        var scope = resourceSpans.GetProperty("scopeSpans")[0].GetProperty("scope");
        Assert.Equal(trace.Source.Name, scope.GetProperty("name").GetString());
        Assert.Equal(OtlpTestTrace.SourceVersion, scope.GetProperty("version").GetString());

        var consumer = Span(root, "process orders");
        var link = consumer.GetProperty("links")[0];
        Assert.Equal(trace.Producer.SpanId.ToHexString(), link.GetProperty("spanId").GetString());
        Assert.Equal("congo=t61rcWkgMzE", link.GetProperty("traceState").GetString());
        Assert.Equal(0x301, link.GetProperty("flags").GetInt32());
        var exception = consumer.GetProperty("events")[0];
        Assert.Equal("exception", exception.GetProperty("name").GetString());
        Assert.Equal("order 42 not found", Attribute(exception, "exception.message").GetProperty("stringValue").GetString());
        Assert.NotNull(exception.GetProperty("timeUnixNano").GetString());
    }

    [Fact]
    public void Non_finite_doubles_are_written_as_proto3_json_strings()
    {
        using var trace = new OtlpTestTrace();
        var span = trace.Source.StartActivity("nan")!;
        span.SetTag("nan", double.NaN);
        span.SetTag("inf", double.PositiveInfinity);
        span.SetTag("text", "quote \" and ✓");
        span.Stop();
        var written = Span(Serialize(trace, new[] { span }), "nan");

        Assert.Equal("NaN", Attribute(written, "nan").GetProperty("doubleValue").GetString());
        Assert.Equal("Infinity", Attribute(written, "inf").GetProperty("doubleValue").GetString());
        Assert.Equal("quote \" and ✓", Attribute(written, "text").GetProperty("stringValue").GetString());
    }

    [Fact]
    public void A_value_whose_ToString_throws_is_skipped_and_counted_as_a_dropped_attribute()
    {
        using var trace = new OtlpTestTrace();
        var span = trace.Source.StartActivity("bad value")!;
        span.SetTag("bad", new OtlpProtobufSerializerTests.ThrowingToString());
        span.SetTag("after", "kept");
        span.Stop();
        var written = Span(Serialize(trace, new[] { span }), "bad value");

        Assert.Equal("kept", Attribute(written, "after").GetProperty("stringValue").GetString());
        Assert.Single(written.GetProperty("attributes").EnumerateArray());
        Assert.Equal(1, written.GetProperty("droppedAttributesCount").GetInt32());
    }
}
