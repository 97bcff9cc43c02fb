using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Correlation.Trace;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Writes an <c>ExportTraceServiceRequest</c> in the OTLP JSON mapping: lowerCamelCase keys, trace and span ids as
/// lowercase hex, enums as integers, 64-bit integers as decimal strings (opentelemetry-proto docs/specification.md,
/// "JSON Protobuf Encoding"). One instance per exporter: it reuses its <see cref="Utf8JsonWriter"/>.
/// </summary>
internal sealed class OtlpJsonSerializer : IDisposable
{
    private static readonly JsonEncodedText ResourceSpans = JsonEncodedText.Encode("resourceSpans");
    private static readonly JsonEncodedText ResourceKey = JsonEncodedText.Encode("resource");
    private static readonly JsonEncodedText ScopeSpans = JsonEncodedText.Encode("scopeSpans");
    private static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
    private static readonly JsonEncodedText SchemaUrl = JsonEncodedText.Encode("schemaUrl");
    private static readonly JsonEncodedText Spans = JsonEncodedText.Encode("spans");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText DroppedAttributesCount = JsonEncodedText.Encode("droppedAttributesCount");
    private static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText SpanId = JsonEncodedText.Encode("spanId");
    private static readonly JsonEncodedText TraceState = JsonEncodedText.Encode("traceState");
    private static readonly JsonEncodedText ParentSpanId = JsonEncodedText.Encode("parentSpanId");
    private static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText StartTimeUnixNano = JsonEncodedText.Encode("startTimeUnixNano");
    private static readonly JsonEncodedText EndTimeUnixNano = JsonEncodedText.Encode("endTimeUnixNano");
    private static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText DroppedEventsCount = JsonEncodedText.Encode("droppedEventsCount");
    private static readonly JsonEncodedText Links = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText DroppedLinksCount = JsonEncodedText.Encode("droppedLinksCount");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText TimeUnixNano = JsonEncodedText.Encode("timeUnixNano");
    private static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText StringValue = JsonEncodedText.Encode("stringValue");
    private static readonly JsonEncodedText BoolValue = JsonEncodedText.Encode("boolValue");
    private static readonly JsonEncodedText IntValue = JsonEncodedText.Encode("intValue");
    private static readonly JsonEncodedText DoubleValue = JsonEncodedText.Encode("doubleValue");
    private static readonly JsonEncodedText ArrayValue = JsonEncodedText.Encode("arrayValue");
    private static readonly JsonEncodedText BytesValue = JsonEncodedText.Encode("bytesValue");
    private static readonly JsonEncodedText Values = JsonEncodedText.Encode("values");

    private readonly Utf8JsonWriter _writer;

    public OtlpJsonSerializer(OtlpBuffer buffer)
    {
        // Relaxed escaping keeps non-ASCII text readable; the payload is never embedded in HTML.
        _writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public void Dispose() => _writer.Dispose();

    public void Write(OtlpBuffer buffer, Resource resource, OtlpScopeBatch batch, SpanLimits limits)
    {
        buffer.Clear();
        var w = _writer;
        w.Reset(buffer);
        w.WriteStartObject();
        w.WriteStartArray(ResourceSpans);
        w.WriteStartObject();
        w.WriteStartObject(ResourceKey);
        w.WriteStartArray(Attributes);
        var attributes = resource.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            WriteKeyValue(w, attributes[i].Key, attributes[i].Value);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray(ScopeSpans);
        foreach (var scope in batch.Scopes)
        {
            w.WriteStartObject();
            WriteScope(w, scope, batch.TagsOf(scope));
            w.WriteStartArray(Spans);
            foreach (var activity in batch.SpansOf(scope))
            {
                WriteSpan(w, activity, limits);
            }

            w.WriteEndArray();
            if (!string.IsNullOrEmpty(scope.TelemetrySchemaUrl))
            {
                w.WriteString(SchemaUrl, scope.TelemetrySchemaUrl);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteScope(Utf8JsonWriter w, ActivitySource scope, KeyValuePair<string, object?>[] tags)
    {
        w.WriteStartObject(Scope);
        w.WriteString(Name, scope.Name);
        if (!string.IsNullOrEmpty(scope.Version))
        {
            w.WriteString(Version, scope.Version);
        }

        if (tags.Length > 0)
        {
            w.WriteStartArray(Attributes);
            foreach (var tag in tags)
            {
                WriteKeyValue(w, tag.Key, tag.Value);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteSpan(Utf8JsonWriter w, Activity activity, SpanLimits spanLimits)
    {
        var limits = OtlpSpanBudget.For(activity, spanLimits);
        w.WriteStartObject();
        // Activity ids keep their lowercase hex: written as they are, nothing converted or allocated.
        w.WriteString(TraceId, activity.TraceId.ToHexString());
        w.WriteString(SpanId, activity.SpanId.ToHexString());
        var traceState = activity.TraceStateString;
        if (!string.IsNullOrEmpty(traceState))
        {
            w.WriteString(TraceState, traceState);
        }

        var parent = activity.ParentSpanId;
        if (parent != default)
        {
            w.WriteString(ParentSpanId, parent.ToHexString());
        }

        w.WriteNumber(Flags, OtlpSpanFacts.SpanFlags(activity));
        w.WriteString(Name, activity.DisplayName);
        w.WriteNumber(Kind, OtlpSpanFacts.Kind(activity));
        WriteUInt64String(w, StartTimeUnixNano, OtlpSpanFacts.StartNanos(activity));
        WriteUInt64String(w, EndTimeUnixNano, OtlpSpanFacts.EndNanos(activity));

        w.WriteStartArray(Attributes);
        var dropped = limits.SdkDroppedAttributes + WriteAttributes(w, activity.EnumerateTagObjects(), limits.AttributeCount, skipStatusTags: true);

        w.WriteEndArray();
        if (dropped > 0)
        {
            w.WriteNumber(DroppedAttributesCount, dropped);
        }

        w.WriteStartArray(Events);
        var written = 0;
        dropped = 0;
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            if (written == limits.EventCount)
            {
                dropped++;
                continue;
            }

            WriteEvent(w, activityEvent, in limits);
            written++;
        }

        w.WriteEndArray();
        if (dropped > 0)
        {
            w.WriteNumber(DroppedEventsCount, dropped);
        }

        w.WriteStartArray(Links);
        written = 0;
        dropped = 0;
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            if (written == limits.LinkCount)
            {
                dropped++;
                continue;
            }

            WriteLink(w, link, in limits);
            written++;
        }

        w.WriteEndArray();
        if (dropped > 0)
        {
            w.WriteNumber(DroppedLinksCount, dropped);
        }

        var code = OtlpSpanFacts.Status(activity, out var message);
        if (code != 0)
        {
            w.WriteStartObject(Status);
            if (message is not null)
            {
                w.WriteString(Message, message);
            }

            w.WriteNumber(Code, code);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter w, in ActivityEvent activityEvent, in OtlpSpanBudget limits)
    {
        w.WriteStartObject();
        WriteUInt64String(w, TimeUnixNano, OtlpSpanFacts.ToUnixNanos(activityEvent.Timestamp));
        w.WriteString(Name, activityEvent.Name);
        w.WriteStartArray(Attributes);
        var dropped = WriteAttributes(w, activityEvent.EnumerateTagObjects(), limits.AttributesPerEvent, skipStatusTags: false);

        w.WriteEndArray();
        if (dropped > 0)
        {
            w.WriteNumber(DroppedAttributesCount, dropped);
        }

        w.WriteEndObject();
    }

    private static void WriteLink(Utf8JsonWriter w, in ActivityLink link, in OtlpSpanBudget limits)
    {
        w.WriteStartObject();
        var context = link.Context;
        w.WriteString(TraceId, context.TraceId.ToHexString());
        w.WriteString(SpanId, context.SpanId.ToHexString());
        if (!string.IsNullOrEmpty(context.TraceState))
        {
            w.WriteString(TraceState, context.TraceState);
        }

        w.WriteStartArray(Attributes);
        var dropped = WriteAttributes(w, link.EnumerateTagObjects(), limits.AttributesPerLink, skipStatusTags: false);

        w.WriteEndArray();
        if (dropped > 0)
        {
            w.WriteNumber(DroppedAttributesCount, dropped);
        }

        w.WriteNumber(Flags, OtlpSpanFacts.LinkFlags(context));
        w.WriteEndObject();
    }

    private static void WriteUInt64String(Utf8JsonWriter w, JsonEncodedText name, ulong value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        w.WriteString(name, digits[..written]);
    }

    /// <returns><see langword="false"/> when the value's <c>ToString</c> threw: nothing was written, count it dropped.</returns>
    // Writes the tags that have a value as attributes, at most limit of them; returns how many were dropped (over the
    // limit, or a value that could not be written).
    private static int WriteAttributes(Utf8JsonWriter w, Activity.Enumerator<KeyValuePair<string, object?>> tags, int limit, bool skipStatusTags)
    {
        var written = 0;
        var dropped = 0;
        foreach (ref readonly var tag in tags)
        {
            if (tag.Value is null || (skipStatusTags && OtlpSpanFacts.IsStatusTag(tag.Key)))
            {
                continue;
            }

            if (written == limit)
            {
                dropped++;
            }
            else if (WriteKeyValue(w, tag.Key, tag.Value))
            {
                written++;
            }
            else
            {
                dropped++;
            }
        }

        return dropped;
    }

    private static bool WriteKeyValue(Utf8JsonWriter w, string? key, object? value)
    {
        // A null key (Activity.AddTag and ActivitySource's tags do not refuse one) cannot be written: that attribute
        // is skipped (and counted dropped), not the batch.
        if (key is null)
        {
            return false;
        }

        var kind = OtlpValue.Classify(value);
        if (kind == OtlpValueKind.None)
        {
            return true;
        }

        var prepared = value!;
        if (!OtlpValue.TryPrepare(ref prepared, ref kind))
        {
            return false;
        }

        w.WriteStartObject();
        w.WriteString(Key, key);
        w.WritePropertyName(Value);
        WriteAnyValue(w, prepared, kind);
        w.WriteEndObject();
        return true;
    }

    private static void WriteAnyValue(Utf8JsonWriter w, object value, OtlpValueKind kind)
    {
        w.WriteStartObject();
        switch (kind)
        {
            case OtlpValueKind.String:
                w.WriteString(StringValue, (string)value);
                break;
            case OtlpValueKind.Bool:
                w.WriteBoolean(BoolValue, (bool)value);
                break;
            case OtlpValueKind.Int:
                WriteInt64String(w, OtlpValue.ToInt64(value));
                break;
            case OtlpValueKind.Double:
                WriteDouble(w, OtlpValue.ToDouble(value));
                break;
            case OtlpValueKind.Bytes:
                w.WriteBase64String(BytesValue, (byte[])value);
                break;
            case OtlpValueKind.Array:
                WriteArray(w, (Array)value);
                break;
            case OtlpValueKind.Text:
                w.WriteString(StringValue, OtlpValue.ToText(value));
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteInt64String(Utf8JsonWriter w, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        w.WriteString(IntValue, digits[..written]);
    }

    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        // proto3 JSON writes the non-finite doubles as the strings "NaN", "Infinity" and "-Infinity".
        if (double.IsFinite(value))
        {
            w.WriteNumber(DoubleValue, value);
        }
        else
        {
            w.WriteString(DoubleValue, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteArray(Utf8JsonWriter w, Array array)
    {
        w.WriteStartObject(ArrayValue);
        w.WriteStartArray(Values);
        switch (array)
        {
            case string[] strings:
                foreach (var s in strings)
                {
                    w.WriteStartObject();
                    if (s is not null)
                    {
                        w.WriteString(StringValue, s);
                    }

                    w.WriteEndObject();
                }

                break;
            case long[] longs:
                foreach (var l in longs)
                {
                    w.WriteStartObject();
                    WriteInt64String(w, l);
                    w.WriteEndObject();
                }

                break;
            case int[] ints:
                foreach (var i in ints)
                {
                    w.WriteStartObject();
                    WriteInt64String(w, i);
                    w.WriteEndObject();
                }

                break;
            case double[] doubles:
                foreach (var d in doubles)
                {
                    w.WriteStartObject();
                    WriteDouble(w, d);
                    w.WriteEndObject();
                }

                break;
            case bool[] bools:
                foreach (var b in bools)
                {
                    w.WriteStartObject();
                    w.WriteBoolean(BoolValue, b);
                    w.WriteEndObject();
                }

                break;
            default:
                foreach (var item in array)
                {
                    var kind = OtlpValue.Classify(item);
                    if (kind == OtlpValueKind.Array)
                    {
                        kind = OtlpValueKind.Text;
                    }

                    if (kind == OtlpValueKind.None)
                    {
                        w.WriteStartObject();
                        w.WriteEndObject();
                    }
                    else
                    {
                        WriteAnyValue(w, item!, kind);
                    }
                }

                break;
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
