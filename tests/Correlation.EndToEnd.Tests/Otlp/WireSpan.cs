using System.Globalization;
using System.Text.Json;
using Correlation.Core.Tests.Exporters.Otlp;

namespace Correlation.EndToEnd.Tests.Otlp;

/// <summary>One span as it went over the wire, decoded from protobuf or from JSON into the same shape.</summary>
internal sealed record WireSpan(
    string SpanId,
    uint Flags,
    Dictionary<string, object?> Attributes,
    int DroppedAttributes,
    int DroppedEvents,
    int DroppedLinks,
    List<(string Name, Dictionary<string, object?> Attributes, int Dropped)> Events,
    List<(string SpanId, uint Flags, Dictionary<string, object?> Attributes, int Dropped)> Links)
{
    /// <summary>Every span of an ExportTraceServiceRequest, with the resource attributes and scopes it was sent under.</summary>
    public static List<(Dictionary<string, object?> Resource, string Scope, string? ScopeVersion, Dictionary<string, object?> ScopeAttributes, WireSpan Span)> Decode(byte[] body, bool json)
        => json ? DecodeJson(body) : DecodeProtobuf(body);

    private static List<(Dictionary<string, object?>, string, string?, Dictionary<string, object?>, WireSpan)> DecodeProtobuf(byte[] body)
    {
        var result = new List<(Dictionary<string, object?>, string, string?, Dictionary<string, object?>, WireSpan)>();
        foreach (var resourceSpans in new ProtoReader(body).Messages(1))
        {
            var resource = resourceSpans.Message(1).Attributes(1);
            foreach (var scopeSpans in resourceSpans.Messages(2))
            {
                var scope = scopeSpans.Message(1);
                var version = scope.Has(2) ? scope.String(2) : null;
                foreach (var s in scopeSpans.Messages(2))
                {
                    var events = s.Messages(11).Select(e => (e.String(2), e.Attributes(3), (int)e.NumberOrZero(4))).ToList();
                    var links = s.Messages(13).Select(l => (l.Hex(2), (uint)l.NumberOrZero(6), l.Attributes(4), (int)l.NumberOrZero(5))).ToList();
                    var span = new WireSpan(s.Hex(2), (uint)s.NumberOrZero(16), s.Attributes(9), (int)s.NumberOrZero(10), (int)s.NumberOrZero(12), (int)s.NumberOrZero(14), events, links);
                    result.Add((resource, scope.String(1), version, scope.Attributes(3), span));
                }
            }
        }

        return result;
    }

    private static List<(Dictionary<string, object?>, string, string?, Dictionary<string, object?>, WireSpan)> DecodeJson(byte[] body)
    {
        var result = new List<(Dictionary<string, object?>, string, string?, Dictionary<string, object?>, WireSpan)>();
        using var document = JsonDocument.Parse(body);
        foreach (var resourceSpans in document.RootElement.GetProperty("resourceSpans").EnumerateArray())
        {
            var resource = JsonAttributes(resourceSpans.GetProperty("resource"));
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                var scope = scopeSpans.GetProperty("scope");
                var version = scope.TryGetProperty("version", out var v) ? v.GetString() : null;
                foreach (var s in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    var events = Array(s, "events").Select(e => (e.GetProperty("name").GetString()!, JsonAttributes(e), Int(e, "droppedAttributesCount"))).ToList();
                    var links = Array(s, "links").Select(l => (l.GetProperty("spanId").GetString()!, (uint)Int(l, "flags"), JsonAttributes(l), Int(l, "droppedAttributesCount"))).ToList();
                    var span = new WireSpan(
                        s.GetProperty("spanId").GetString()!,
                        (uint)Int(s, "flags"),
                        JsonAttributes(s),
                        Int(s, "droppedAttributesCount"),
                        Int(s, "droppedEventsCount"),
                        Int(s, "droppedLinksCount"),
                        events,
                        links);
                    result.Add((resource, scope.GetProperty("name").GetString()!, version, JsonAttributes(scope), span));
                }
            }
        }

        return result;
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) ? array.EnumerateArray().ToList() : Enumerable.Empty<JsonElement>();

    private static int Int(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetInt32() : 0;

    private static Dictionary<string, object?> JsonAttributes(JsonElement owner)
    {
        var result = new Dictionary<string, object?>();
        foreach (var kv in Array(owner, "attributes"))
        {
            result[kv.GetProperty("key").GetString()!] = JsonAnyValue(kv.GetProperty("value"));
        }

        return result;
    }

    private static object? JsonAnyValue(JsonElement any)
    {
        foreach (var p in any.EnumerateObject())
        {
            switch (p.Name)
            {
                case "stringValue":
                    return p.Value.GetString();
                case "boolValue":
                    return p.Value.GetBoolean();
                case "intValue":
                    // OTLP JSON: 64-bit integers are decimal strings.
                    return long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture);
                case "doubleValue":
                    return p.Value.GetDouble();
                case "arrayValue":
                    return Array(p.Value, "values").Select(JsonAnyValue).ToArray();
                case "bytesValue":
                    return Convert.FromBase64String(p.Value.GetString()!);
            }
        }

        return null;
    }
}
