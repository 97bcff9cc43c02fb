using System.Diagnostics;
using Correlation.Exporters.Otlp;
using Correlation.Trace;

namespace Correlation.Core.Tests.Exporters.Otlp;

public class OtlpProtobufSerializerTests
{
    private static (ProtoReader Resource, ProtoReader Scope, List<ProtoReader> Spans) Decode(ReadOnlySpan<byte> payload)
    {
        var request = new ProtoReader(payload);
        var resourceSpans = request.Message(1);
        var scopeSpans = resourceSpans.Message(2);
        return (resourceSpans.Message(1), scopeSpans.Message(1), scopeSpans.Messages(2));
    }

    private static OtlpHttpExporter NewExporter(OtlpExportProtocol protocol = OtlpExportProtocol.HttpProtobuf, SpanLimits? limits = null)
    {
        var options = new OtlpExporterOptions(_ => null) { Protocol = protocol };
        if (limits is not null)
        {
            options.Limits = limits;
        }

        var exporter = new OtlpHttpExporter(options);
        exporter.Resource = new ResourceBuilder().IgnoreEnvironment().AddService("orders", "2.0.0").AddAttribute("host.cores", 8).AddAttribute("region.weight", 0.25).Build();
        return exporter;
    }

    [Fact]
    public void Resource_and_scope_are_written_once_per_batch()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var (resource, scope, spans) = Decode(exporter.SerializeForTest(trace.Build()));

        var attributes = resource.Attributes(1);
        Assert.Equal("orders", attributes["service.name"]);
        Assert.Equal("2.0.0", attributes["service.version"]);
        Assert.Equal(8L, attributes["host.cores"]);
        Assert.Equal(0.25, attributes["region.weight"]);
        Assert.Equal(trace.Source.Name, scope.String(1));
        Assert.Equal(OtlpTestTrace.SourceVersion, scope.String(2));
        Assert.Equal("payments", scope.Attributes(3)["scope.team"]);
        Assert.Equal(4, spans.Count);
    }

    [Fact]
    public void Server_span_carries_ids_tracestate_flags_kind_times_status_and_every_value_type()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var (_, _, spans) = Decode(exporter.SerializeForTest(trace.Build()));
        var server = spans.Single(s => s.String(5) == "GET /orders/{id}");

        Assert.Equal(trace.Server.TraceId.ToHexString(), server.Hex(1));
        Assert.Equal(trace.Server.SpanId.ToHexString(), server.Hex(2));
        Assert.Equal("vendor=abc,other=x1", server.String(3));
        Assert.Equal(trace.Server.ParentSpanId.ToHexString(), server.Hex(4));
        Assert.Equal(2UL, server.Number(6));
        var startNanos = (ulong)(OtlpTestTrace.Start - DateTime.UnixEpoch).Ticks * 100;
        Assert.Equal(startNanos, server.Number(7));
        Assert.Equal(startNanos + 20_000_000UL, server.Number(8));

        // sampled (0x01) | has-is-remote (0x100) | is-remote (0x200): the parent came from another process.
        Assert.Equal(0x301UL, server.Number(16));

        var attributes = server.Attributes(9);
        Assert.Equal("GET", attributes["http.request.method"]);
        Assert.Equal(500L, attributes["http.response.status_code"]);
        Assert.Equal(8080L, attributes["server.port"]);
        Assert.Equal(false, attributes["retry"]);
        Assert.Equal(true, attributes["cache.hit"]);
        Assert.Equal(0.75, attributes["load"]);
        Assert.Equal(new object?[] { "a", "b" }, attributes["tags"]);
        Assert.Equal(new object?[] { 200L, 404L }, attributes["codes"]);
        Assert.Equal(new object?[] { 0.5, 1.5 }, attributes["weights"]);
        Assert.Equal(new object?[] { true, false }, attributes["flags"]);
        Assert.False(server.Has(10));

        var status = server.Message(15);
        Assert.Equal(2UL, status.Number(3));
        Assert.Equal("internal error", status.String(2));

        var ev = Assert.Single(server.Messages(11));
        Assert.Equal("request.received", ev.String(2));
        Assert.Equal(startNanos + 1_000_000UL, ev.Number(1));
        Assert.Equal(512L, ev.Attributes(3)["size"]);
        Assert.Equal("gzip", ev.Attributes(3)["encoding"]);
    }

    [Fact]
    public void Child_spans_have_local_parent_flags_kinds_and_ok_status()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var (_, _, spans) = Decode(exporter.SerializeForTest(trace.Build()));
        var client = spans.Single(s => s.String(5) == "SELECT orders");
        var producer = spans.Single(s => s.String(5) == "publish orders");

        Assert.Equal(trace.Server.SpanId.ToHexString(), client.Hex(4));
        Assert.Equal(3UL, client.Number(6));
        Assert.Equal(4UL, producer.Number(6));
        Assert.Equal(0x101UL, client.Number(16));
        Assert.Equal(1UL, client.Message(15).Number(3));
        Assert.False(client.Message(15).Has(2));
        Assert.False(producer.Has(15));
        Assert.Equal(3L, client.Attributes(9)["db.response.returned_rows"]);
    }

    [Theory]
    [InlineData(ActivityKind.Internal, 1UL)]
    [InlineData(ActivityKind.Consumer, 5UL)]
    [InlineData((ActivityKind)126, 127UL)]
    [InlineData((ActivityKind)127, 128UL)]
    [InlineData((ActivityKind)int.MaxValue - 1, (ulong)int.MaxValue)]
    [InlineData((ActivityKind)(-2), ulong.MaxValue)]
    [InlineData((ActivityKind)int.MaxValue, 0xFFFF_FFFF_8000_0000UL)]
    [InlineData((ActivityKind)int.MinValue, 0xFFFF_FFFF_8000_0001UL)]
    public void The_kind_and_the_times_are_written_exactly_also_for_an_undefined_kind(ActivityKind kind, ulong expected)
    {
        // The times are written in one step after the kind; an ActivityKind cast from an undefined number is written as
        // it is (OTLP receivers treat it as an unknown kind), also one of two varint bytes or more. A negative kind (the enum is an int32)
        // is sign-extended to a ten-byte varint, as protobuf encodes a negative int32 and as the JSON writer's number says.
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var span = trace.Source.StartActivity("kind", kind)!;
        span.SetStartTime(new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc));
        span.SetEndTime(new DateTime(2026, 12, 2, 9, 0, 1, DateTimeKind.Utc).AddTicks(7));
        span.Stop();

        var written = Decode(exporter.SerializeForTest(new[] { span })).Spans[0];

        Assert.Equal(expected, written.Number(6));
        var start = (ulong)(new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks * 100UL;
        Assert.Equal(start, written.Number(7));
        Assert.Equal(start + 1_000_000_700UL, written.Number(8));
        Assert.Equal(span.TraceId.ToHexString(), written.Hex(1));
        Assert.Equal(span.SpanId.ToHexString(), written.Hex(2));
    }

    [Fact]
    public void Consumer_span_carries_its_link_with_tracestate_and_the_exception_event()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var (_, _, spans) = Decode(exporter.SerializeForTest(trace.Build()));
        var consumer = spans.Single(s => s.String(5) == "process orders");

        Assert.Equal(5UL, consumer.Number(6));
        var link = Assert.Single(consumer.Messages(13));
        Assert.Equal(trace.Producer.TraceId.ToHexString(), link.Hex(1));
        Assert.Equal(trace.Producer.SpanId.ToHexString(), link.Hex(2));
        Assert.Equal("congo=t61rcWkgMzE", link.String(3));
        Assert.Equal("receive", link.Attributes(4)["messaging.operation"]);
        Assert.Equal(0L, link.Attributes(4)["batch.index"]);
        Assert.Equal(0x301UL, link.Number(6));

        var exception = Assert.Single(consumer.Messages(11));
        Assert.Equal("exception", exception.String(2));
        var exceptionAttributes = exception.Attributes(3);
        Assert.Equal(typeof(InvalidOperationException).FullName, exceptionAttributes["exception.type"]);
        Assert.Equal("order 42 not found", exceptionAttributes["exception.message"]);
        Assert.Equal("order 42 not found", consumer.Message(15).String(2));
        Assert.Equal("orders", consumer.Attributes(9)["messaging.destination.name"]);
    }

    [Fact]
    public void What_exceeds_the_limits_is_left_out_and_counted_as_dropped()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter(limits: new SpanLimits { AttributeCountLimit = 2, EventCountLimit = 0, LinkCountLimit = 0, AttributePerEventCountLimit = 1, AttributePerLinkCountLimit = 1 });
        var (_, _, spans) = Decode(exporter.SerializeForTest(trace.Build()));
        var server = spans.Single(s => s.String(5) == "GET /orders/{id}");
        var consumer = spans.Single(s => s.String(5) == "process orders");

        Assert.Equal(2, server.Messages(9).Count);
        Assert.Equal(8UL, server.Number(10));
        Assert.Empty(server.Messages(11));
        Assert.Equal(1UL, server.Number(12));
        Assert.Empty(consumer.Messages(13));
        Assert.Equal(1UL, consumer.Number(14));
    }

    [Fact]
    public void A_tag_with_a_null_key_costs_that_tag_only_not_the_batch()
    {
        using var trace = new OtlpTestTrace();
        var span = trace.Source.StartActivity("null key")!;
        span.AddTag(null!, "orphan");
        span.SetTag("kept", "yes");
        span.Stop();
        var batch = new[] { span, trace.NewSpan("neighbour") };

        using var exporter = NewExporter();
        var (_, _, spans) = Decode(exporter.SerializeForTest(batch));
        Assert.Equal(2, spans.Count);
        var written = spans.Single(s => s.String(5) == "null key");
        Assert.Equal("yes", Assert.Single(written.Attributes(9)).Value);
        Assert.Equal(1UL, written.Number(10));

        using var json = NewExporter(OtlpExportProtocol.HttpJson);
        using var document = System.Text.Json.JsonDocument.Parse(json.SerializeForTest(batch).ToArray());
        var jsonSpans = document.RootElement.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans");
        Assert.Equal(2, jsonSpans.GetArrayLength());
        var jsonSpan = jsonSpans.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "null key");
        Assert.Equal("kept", Assert.Single(jsonSpan.GetProperty("attributes").EnumerateArray()).GetProperty("key").GetString());
        Assert.Equal(1, jsonSpan.GetProperty("droppedAttributesCount").GetInt32());
    }

    [Fact]
    public void The_source_telemetry_schema_url_is_the_scope_spans_schema_url_in_both_encodings()
    {
        const string schema = "https://opentelemetry.io/schemas/1.28.0";
        using var source = new ActivitySource(new ActivitySourceOptions("Correlation.Tests.Schema." + Guid.NewGuid().ToString("N")[..8]) { TelemetrySchemaUrl = schema });
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var span = source.StartActivity("with schema")!;
        span.Stop();

        using var exporter = NewExporter();
        var scopeSpans = new ProtoReader(exporter.SerializeForTest([span])).Message(1).Message(2);
        Assert.Equal(schema, scopeSpans.String(3));
        Assert.Equal(source.Name, scopeSpans.Message(1).String(1));

        using var json = NewExporter(OtlpExportProtocol.HttpJson);
        using var document = System.Text.Json.JsonDocument.Parse(json.SerializeForTest([span]).ToArray());
        Assert.Equal(schema, document.RootElement.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("schemaUrl").GetString());
    }

    [Fact]
    public void Spans_of_different_sources_are_grouped_by_scope()
    {
        using var first = new OtlpTestTrace();
        using var second = new OtlpTestTrace();
        using var exporter = NewExporter();
        var batch = new[] { first.NewSpan("a"), second.NewSpan("b"), first.NewSpan("c") };
        var request = new ProtoReader(exporter.SerializeForTest(batch));
        var scopes = request.Message(1).Messages(2);

        Assert.Equal(2, scopes.Count);
        Assert.False(scopes[0].Has(3), "a source without a telemetry schema URL writes no schema_url");
        Assert.Equal(first.Source.Name, scopes[0].Message(1).String(1));
        Assert.Equal(new[] { "a", "c" }, scopes[0].Messages(2).Select(s => s.String(5)));
        Assert.Equal(new[] { "b" }, scopes[1].Messages(2).Select(s => s.String(5)));
    }

    [Fact]
    public void Otel_status_tags_become_the_status_when_the_activity_has_none()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var span = trace.Source.StartActivity("legacy")!;
        span.SetTag("otel.status_code", "ERROR");
        span.SetTag("otel.status_description", "legacy failure");
        span.Stop();
        var (_, _, spans) = Decode(exporter.SerializeForTest(new[] { span }));

        Assert.Equal(2UL, spans[0].Message(15).Number(3));
        Assert.Equal("legacy failure", spans[0].Message(15).String(2));
        Assert.DoesNotContain(spans[0].Attributes(9).Keys, k => k.StartsWith("otel.", StringComparison.Ordinal));
    }

    [Fact]
    public void Unusual_values_map_to_the_nearest_otlp_type()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var span = trace.Source.StartActivity("values")!;
        span.SetTag("u64.small", 7UL);
        span.SetTag("u64.big", ulong.MaxValue);
        span.SetTag("f32", 1.5f);
        span.SetTag("char", 'x');
        span.SetTag("decimal", 1.25m);
        span.SetTag("bytes", new byte[] { 1, 2, 3 });
        span.SetTag("mixed", new object?[] { "s", 1, null, 2.5 });
        span.SetTag("ints", new[] { 1, 2 });
        span.SetTag("text", "héllo ✓");
        span.Stop();
        var attributes = Decode(exporter.SerializeForTest(new[] { span })).Spans[0].Attributes(9);

        Assert.Equal(7L, attributes["u64.small"]);
        Assert.Equal("18446744073709551615", attributes["u64.big"]);
        Assert.Equal(1.5, attributes["f32"]);
        Assert.Equal("x", attributes["char"]);
        Assert.Equal("1.25", attributes["decimal"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, attributes["bytes"]);
        Assert.Equal(new object?[] { "s", 1L, null, 2.5 }, attributes["mixed"]);
        Assert.Equal(new object?[] { 1L, 2L }, attributes["ints"]);
        Assert.Equal("héllo ✓", attributes["text"]);
    }

    [Fact]
    public void A_value_whose_ToString_throws_is_skipped_and_counted_as_a_dropped_attribute_not_the_batch()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var span = trace.Source.StartActivity("bad value")!;
        span.SetTag("before", "kept");
        span.SetTag("bad", new ThrowingToString());
        span.SetTag("bad.array", new object[] { "ok", new ThrowingToString() });
        span.SetTag("nested.array", new object[] { "ok", new[] { 1, 2 } });
        span.SetTag("after", 42);
        span.Stop();
        var other = trace.Source.StartActivity("other")!;
        other.Stop();

        var (_, _, spans) = Decode(exporter.SerializeForTest(new[] { span, other }));

        Assert.Equal(2, spans.Count);
        var written = spans.Single(s => s.String(5) == "bad value");
        var attributes = written.Attributes(9);
        Assert.Equal("kept", attributes["before"]);
        Assert.Equal(42L, attributes["after"]);
        Assert.Equal(new object?[] { "ok", "System.Int32[]" }, attributes["nested.array"]);
        Assert.False(attributes.ContainsKey("bad"));
        Assert.False(attributes.ContainsKey("bad.array"));
        Assert.Equal(2UL, written.Number(10));
    }

    internal sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("user ToString is broken");
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(120)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(300)]
    [InlineData(20_000)]
    public void Values_around_every_length_prefix_size_are_written_exactly(int length)
    {
        // Short messages reserve one length byte and move their body when it needs more; strings of up to 42 chars
        // are encoded in one pass. Both edges, ASCII and 3-byte UTF-8, and a long array of longs.
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var ascii = new string('a', length);
        var wide = new string('✓', length);
        var longs = Enumerable.Range(0, length).Select(i => (long)i * 1_000_003).ToArray();
        var span = trace.Source.StartActivity("lengths")!;
        span.SetTag("ascii", ascii);
        span.SetTag("wide", wide);
        span.SetTag("longs", longs);
        span.AddEvent(new ActivityEvent(wide, tags: new ActivityTagsCollection { [ascii] = wide }));
        span.Stop();

        var written = Decode(exporter.SerializeForTest(new[] { span })).Spans[0];
        var attributes = written.Attributes(9);

        Assert.Equal(ascii, attributes["ascii"]);
        Assert.Equal(wide, attributes["wide"]);
        Assert.Equal(longs.Select(l => (object?)l).ToArray(), (object?[])attributes["longs"]!);
        var e = Assert.Single(written.Messages(11));
        Assert.Equal(wide, e.String(2));
        Assert.Equal(wide, e.Attributes(3)[ascii]);
        Assert.Equal("lengths", written.String(5));
    }

    [Theory]
    [InlineData(40, 1)]
    [InlineData(40, 2)]
    [InlineData(42, 0)]
    [InlineData(42, 42)]
    [InlineData(2, 42)]
    [InlineData(43, 1)]
    [InlineData(2, 43)]
    public void Attributes_around_the_one_byte_key_value_edge_are_written_exactly(int keyChars, int valueChars)
    {
        // Short attributes are written in one step with one-byte lengths (a key and a string of at most 42 chars, a
        // KeyValue under 128 bytes); any other is written the general way. A 3-byte UTF-8 key of 40 chars and a 1-char
        // value make a KeyValue of exactly 127 bytes, 2 chars 128. Every value kind on both sides of the edge.
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var values = new Dictionary<string, object>
        {
            ["✓"] = new string('✓', valueChars),
            ["a"] = new string('a', valueChars),
            ["t"] = true,
            ["i"] = (long)valueChars,
            ["n"] = -1L - valueChars,
            ["d"] = valueChars + 0.5,
        };
        var span = trace.Source.StartActivity("edges")!;
        foreach (var (suffix, value) in values)
        {
            span.SetTag(new string('✓', keyChars - 1) + suffix, value);
            span.SetTag(new string('k', keyChars - 1) + suffix, value);
        }

        span.Stop();

        var attributes = Decode(exporter.SerializeForTest(new[] { span })).Spans[0].Attributes(9);

        Assert.Equal(values.Count * 2, attributes.Count);
        foreach (var (suffix, value) in values)
        {
            Assert.Equal(value, attributes[new string('✓', keyChars - 1) + suffix]);
            Assert.Equal(value, attributes[new string('k', keyChars - 1) + suffix]);
        }
    }

    [Fact]
    public void Ids_are_decoded_to_the_bytes_their_hex_says_for_every_digit_and_position()
    {
        // Ids are decoded 16 hex chars at a time without validation (the runtime makes them): every digit value in
        // every position, for trace and span ids, against the framework's own decoder. Uppercase decodes alike.
        var random = new Random(20261202);
        var hexDigits = "0123456789abcdefABCDEF";
        for (var round = 0; round < 2000; round++)
        {
            foreach (var length in new[] { 32, 16 })
            {
                var hex = string.Create(length, round, (chars, r) =>
                {
                    for (var i = 0; i < chars.Length; i++)
                    {
                        chars[i] = r < 22 ? hexDigits[(r + i) % 22] : hexDigits[random.Next(22)];
                    }
                });
                var ours = new byte[length / 2];
                Correlation.Exporters.Otlp.OtlpSpanFacts.HexToBytes(hex, ours);
                Assert.Equal(Convert.FromHexString(hex), ours);
            }
        }
    }

    [Fact]
    public void Serialising_a_batch_again_allocates_nothing()
    {
        using var trace = new OtlpTestTrace();
        using var exporter = NewExporter();
        var batch = new List<Activity>();
        for (var i = 0; i < 64; i++)
        {
            batch.Add(trace.NewSpan("span " + i));
        }

        var spans = batch.ToArray();
        exporter.SerializeForTest(spans);
        var before = GC.GetAllocatedBytesForCurrentThread();
        exporter.SerializeForTest(spans);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
