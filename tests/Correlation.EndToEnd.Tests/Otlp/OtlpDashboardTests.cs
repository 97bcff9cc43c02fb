using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Correlation.EndToEnd.Tests.Support;
using Correlation.Exporters.Otlp;
using Correlation.Trace;

namespace Correlation.EndToEnd.Tests.Otlp;

/// <summary>
/// Spans made by the SDK, exported by <c>AddOtlpExporter</c> to the real Aspire Dashboard, read back from its API and
/// compared field by field with the Activities they came from. The dashboard stores attribute values as text and does
/// not give back flags or dropped counts, so those are checked on the exact bytes it accepted (a recording proxy sits
/// between the exporter and the dashboard and forwards every request, inflating gzip, which the dashboard refuses).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OtlpDashboardTests(DashboardFixture fixture)
{
    private const string ScopeVersion = "3.1.4";

    public static TheoryData<OtlpExportProtocol, OtlpCompression> Encodings => new()
    {
        { OtlpExportProtocol.HttpProtobuf, OtlpCompression.None },
        { OtlpExportProtocol.HttpJson, OtlpCompression.None },
        { OtlpExportProtocol.HttpProtobuf, OtlpCompression.Gzip },
        { OtlpExportProtocol.HttpJson, OtlpCompression.Gzip },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_realistic_trace_is_stored_by_the_dashboard_with_every_field_as_sent(OtlpExportProtocol protocol, OtlpCompression compression)
    {
        var dashboard = fixture.Dashboard;
        var id = Guid.NewGuid().ToString("N")[..8];
        var service = "e2e-" + id;
        using var source = new ActivitySource("Correlation.EndToEnd." + id, ScopeVersion, new[] { new KeyValuePair<string, object?>("scope.team", "payments") });
        await using var proxy = await RecordingProxy.StartAsync(dashboard.TracesEndpoint);
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(source.Name)
            .SetSpanLimits(RealisticTrace.Limits)
            .ConfigureResource(r => r.IgnoreEnvironment().AddService(service, "2.1.0", "e2e").AddAttribute("host.cpu.count", 2L).AddAttribute("e2e.protocol", protocol.ToString()))
            .AddOtlpExporter(o =>
            {
                o.TracesEndpoint = proxy.TracesEndpoint;
                o.Protocol = protocol;
                o.Compression = compression;
            })
            .Build();

        var trace = RealisticTrace.Create(source);
        Assert.True(provider.ForceFlush(20_000), "the export did not finish");

        var stored = await dashboard.GetTraceAsync(trace.TraceId, trace.All.Length);
        Assert.Equal(trace.All.Length, stored.GetProperty("totalCount").GetInt32());
        var storedSpans = StoredSpans(stored);
        Assert.Equal(trace.All.Length, storedSpans.Count);
        foreach (var span in trace.All)
        {
            var (resource, scope, s) = storedSpans.Single(x => x.Span.GetProperty("spanId").GetString() == span.SpanId.ToHexString());
            AssertResource(resource, service, protocol);
            Assert.Equal(source.Name, scope.GetProperty("name").GetString());
            Assert.Equal(ScopeVersion, scope.GetProperty("version").GetString());
            AssertStoredSpan(span, s);
        }

        // What the dashboard does not give back, read from the bytes it accepted.
        var json = protocol == OtlpExportProtocol.HttpJson;
        var exchanges = proxy.Exchanges.ToArray();
        Assert.NotEmpty(exchanges);
        Assert.All(exchanges, e =>
        {
            Assert.Equal(200, e.Status);
            Assert.Equal(json ? "application/json" : "application/x-protobuf", e.ContentType);
            Assert.Equal(compression == OtlpCompression.Gzip ? "gzip" : null, e.ContentEncoding);
        });
        var sent = exchanges.SelectMany(e => WireSpan.Decode(e.Body, json)).ToList();
        Assert.Equal(trace.All.Length, sent.Count);
        foreach (var span in trace.All)
        {
            var (resource, scopeName, scopeVersion, scopeAttributes, wire) = sent.Single(x => x.Span.SpanId == span.SpanId.ToHexString());
            Assert.Equal(2L, resource["host.cpu.count"]);
            Assert.Equal(service, resource["service.name"]);
            Assert.Equal(source.Name, scopeName);
            Assert.Equal(ScopeVersion, scopeVersion);
            Assert.Equal("payments", Assert.Single(scopeAttributes).Value);
            AssertSentSpan(span, wire);
        }
    }

    private static void AssertResource(Dictionary<string, string?> resource, string service, OtlpExportProtocol protocol)
    {
        Assert.Equal(service, resource["service.name"]);
        Assert.Equal("2.1.0", resource["service.version"]);
        Assert.Equal("e2e", resource["deployment.environment.name"]);
        Assert.Equal("2", resource["host.cpu.count"]);
        Assert.Equal(protocol.ToString(), resource["e2e.protocol"]);
    }

    private static void AssertStoredSpan(Activity span, JsonElement s)
    {
        var limits = RealisticTrace.Limits;
        Assert.Equal(span.TraceId.ToHexString(), s.GetProperty("traceId").GetString());
        Assert.Equal(span.ParentSpanId.ToHexString(), s.GetProperty("parentSpanId").GetString());
        Assert.Equal(span.TraceStateString ?? string.Empty, s.TryGetProperty("traceState", out var ts) ? ts.GetString() : string.Empty);
        Assert.Equal(span.DisplayName, s.GetProperty("name").GetString());
        Assert.Equal((int)span.Kind + 1, s.GetProperty("kind").GetInt32());
        Assert.Equal(UnixNanos(span.StartTimeUtc), s.GetProperty("startTimeUnixNano").GetString());
        Assert.Equal(UnixNanos(span.StartTimeUtc + span.Duration), s.GetProperty("endTimeUnixNano").GetString());
        Assert.Equal(ExpectedTexts(span.EnumerateTagObjects(), int.MaxValue), StoredAttributes(s));

        var events = span.Events.Take(limits.EventCountLimit).ToList();
        var storedEvents = Items(s, "events");
        Assert.Equal(events.Count, storedEvents.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].Name, storedEvents[i].GetProperty("name").GetString());
            Assert.Equal(UnixNanos(events[i].Timestamp.UtcDateTime), storedEvents[i].GetProperty("timeUnixNano").GetString());
            Assert.Equal(ExpectedTexts(events[i].EnumerateTagObjects(), limits.AttributePerEventCountLimit), StoredAttributes(storedEvents[i]));
        }

        var links = span.Links.Take(limits.LinkCountLimit).ToList();
        var storedLinks = Items(s, "links");
        Assert.Equal(links.Count, storedLinks.Count);
        for (var i = 0; i < links.Count; i++)
        {
            Assert.Equal(links[i].Context.TraceId.ToHexString(), storedLinks[i].GetProperty("traceId").GetString());
            Assert.Equal(links[i].Context.SpanId.ToHexString(), storedLinks[i].GetProperty("spanId").GetString());
            Assert.Equal(links[i].Context.TraceState ?? string.Empty, storedLinks[i].TryGetProperty("traceState", out var lts) ? lts.GetString() : string.Empty);
            Assert.Equal(ExpectedTexts(links[i].EnumerateTagObjects(), limits.AttributePerLinkCountLimit), StoredAttributes(storedLinks[i]));
        }

        var status = s.TryGetProperty("status", out var st) ? st : default;
        var code = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("code", out var c) ? c.GetInt32() : 0;
        Assert.Equal((int)span.Status, code);
        var message = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("message", out var m) ? m.GetString() : null;
        Assert.Equal(span.Status == ActivityStatusCode.Error ? span.StatusDescription : null, string.IsNullOrEmpty(message) ? null : message);
    }

    private static void AssertSentSpan(Activity span, WireSpan wire)
    {
        var limits = RealisticTrace.Limits;

        // SpanFlags: the W3C flags, then bit 8 "is_remote known" and bit 9 "parent is remote".
        Assert.Equal((uint)span.ActivityTraceFlags | 0x100u | (span.HasRemoteParent ? 0x200u : 0u), wire.Flags);
        Assert.Equal(ExpectedTyped(span.EnumerateTagObjects(), int.MaxValue), Typed(wire.Attributes));
        Assert.Equal(span.DisplayName == "publish orders" ? 30 - limits.AttributeCountLimit : 0, wire.DroppedAttributes);
        Assert.Equal(Math.Max(0, span.Events.Count() - limits.EventCountLimit), wire.DroppedEvents);
        Assert.Equal(Math.Max(0, span.Links.Count() - limits.LinkCountLimit), wire.DroppedLinks);

        var events = span.Events.Take(limits.EventCountLimit).ToList();
        Assert.Equal(events.Count, wire.Events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(events[i].Name, wire.Events[i].Name);
            Assert.Equal(ExpectedTyped(events[i].EnumerateTagObjects(), limits.AttributePerEventCountLimit), Typed(wire.Events[i].Attributes));
            Assert.Equal(Math.Max(0, events[i].Tags.Count() - limits.AttributePerEventCountLimit), wire.Events[i].Dropped);
        }

        var links = span.Links.Take(limits.LinkCountLimit).ToList();
        Assert.Equal(links.Count, wire.Links.Count);
        for (var i = 0; i < links.Count; i++)
        {
            var context = links[i].Context;
            Assert.Equal(context.SpanId.ToHexString(), wire.Links[i].SpanId);
            Assert.Equal((uint)context.TraceFlags | 0x100u | (context.IsRemote ? 0x200u : 0u), wire.Links[i].Flags);
            Assert.Equal(ExpectedTyped(links[i].EnumerateTagObjects(), limits.AttributePerLinkCountLimit), Typed(wire.Links[i].Attributes));
            Assert.Equal(Math.Max(0, (links[i].Tags?.Count() ?? 0) - limits.AttributePerLinkCountLimit), wire.Links[i].Dropped);
        }
    }

    private static List<(Dictionary<string, string?> Resource, JsonElement Scope, JsonElement Span)> StoredSpans(JsonElement answer)
    {
        var result = new List<(Dictionary<string, string?>, JsonElement, JsonElement)>();
        foreach (var resourceSpans in answer.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var resource = StoredAttributes(resourceSpans.GetProperty("resource"));
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    result.Add((resource, scopeSpans.GetProperty("scope"), span));
                }
            }
        }

        return result;
    }

    private static List<JsonElement> Items(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var array) ? array.EnumerateArray().ToList() : new List<JsonElement>();

    private static Dictionary<string, string?> StoredAttributes(JsonElement owner)
    {
        var result = new Dictionary<string, string?>();
        foreach (var kv in Items(owner, "attributes"))
        {
            var value = kv.GetProperty("value");
            result[kv.GetProperty("key").GetString()!] = value.TryGetProperty("stringValue", out var text) ? text.GetString() : value.ToString();
        }

        return result;
    }

    private static string UnixNanos(DateTime utc) =>
        ((ulong)(utc.Ticks - DateTime.UnixEpoch.Ticks) * 100UL).ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<KeyValuePair<string, object?>> Kept(IEnumerable<KeyValuePair<string, object?>> tags, int limit) =>
        tags.Where(t => t.Value is not null && t.Key is not "otel.status_code" and not "otel.status_description").Take(limit);

    private static List<KeyValuePair<string, object?>> ToList(Activity.Enumerator<KeyValuePair<string, object?>> tags)
    {
        var list = new List<KeyValuePair<string, object?>>();
        foreach (var tag in tags)
        {
            list.Add(tag);
        }

        return list;
    }

    /// <summary>What the dashboard should show: every kept attribute as the text it stores for that value type.</summary>
    private static Dictionary<string, string?> ExpectedTexts(Activity.Enumerator<KeyValuePair<string, object?>> tags, int limit) =>
        Kept(ToList(tags), limit).ToDictionary(t => t.Key, t => (string?)DashboardText(t.Value));

    private static Dictionary<string, string> ExpectedTyped(Activity.Enumerator<KeyValuePair<string, object?>> tags, int limit) =>
        Kept(ToList(tags), limit).ToDictionary(t => t.Key, t => JsonSerializer.Serialize(Normalize(t.Value)));

    private static Dictionary<string, string> Typed(Dictionary<string, object?> attributes) =>
        attributes.ToDictionary(a => a.Key, a => JsonSerializer.Serialize(a.Value));

    /// <summary>The OTLP type a .NET value travels as: integers as int64, floats as double, arrays element by element.</summary>
    private static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        string or bool or long or double => value,
        string[] a => a.Cast<object?>().ToArray(),
        long[] a => a.Select(x => (object?)x).ToArray(),
        double[] a => a.Select(x => (object?)x).ToArray(),
        bool[] a => a.Select(x => (object?)x).ToArray(),
        _ => throw new InvalidOperationException("The test trace uses no " + value?.GetType()),
    };

    /// <summary>The Aspire Dashboard keeps attribute values as text: scalars formatted invariantly, arrays as JSON.</summary>
    private static string DashboardText(object? value) => Normalize(value) switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        object?[] a => JsonSerializer.Serialize(a),
        var other => throw new InvalidOperationException("unexpected " + other),
    };
}
