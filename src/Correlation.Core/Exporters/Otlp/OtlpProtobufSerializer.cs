using System.Buffers.Binary;
using System.Diagnostics;
using Correlation.Trace;
using static Correlation.Exporters.Otlp.ProtobufWriter;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Writes an <c>ExportTraceServiceRequest</c> (opentelemetry-proto collector/trace/v1) in the protobuf wire format.
/// Field numbers are those of trace.proto, common.proto and resource.proto.
/// </summary>
internal static class OtlpProtobufSerializer
{
    // ExportTraceServiceRequest / ResourceSpans / ScopeSpans
    private const int RequestResourceSpans = 1;
    private const int ResourceSpansResource = 1;
    private const int ResourceSpansScopeSpans = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeSpansScope = 1;
    private const int ScopeSpansSpans = 2;
    private const int ScopeSpansSchemaUrl = 3;

    // InstrumentationScope
    private const int ScopeName = 1;
    private const int ScopeVersion = 2;
    private const int ScopeAttributes = 3;

    // Span
    private const int SpanTraceId = 1;
    private const int SpanSpanId = 2;
    private const int SpanTraceState = 3;
    private const int SpanParentSpanId = 4;
    private const int SpanName = 5;
    private const int SpanKind = 6;
    private const int SpanStartTime = 7;
    private const int SpanEndTime = 8;
    private const int SpanAttributes = 9;
    private const int SpanDroppedAttributes = 10;
    private const int SpanEvents = 11;
    private const int SpanDroppedEvents = 12;
    private const int SpanLinks = 13;
    private const int SpanDroppedLinks = 14;
    private const int SpanStatus = 15;
    private const int SpanFlags = 16;

    // Span.Event
    private const int EventTime = 1;
    private const int EventName = 2;
    private const int EventAttributes = 3;
    private const int EventDroppedAttributes = 4;

    // Span.Link
    private const int LinkTraceId = 1;
    private const int LinkSpanId = 2;
    private const int LinkTraceState = 3;
    private const int LinkAttributes = 4;
    private const int LinkDroppedAttributes = 5;
    private const int LinkFlags = 6;

    // Status
    private const int StatusMessage = 2;
    private const int StatusCode = 3;

    // KeyValue / AnyValue / ArrayValue
    private const int KeyValueKey = 1;
    private const int KeyValueValue = 2;
    private const int AnyString = 1;
    private const int AnyBool = 2;
    private const int AnyInt = 3;
    private const int AnyDouble = 4;
    private const int AnyArray = 5;
    private const int AnyBytes = 7;
    private const int ArrayValues = 1;

    // A short KeyValue: tag, length, key tag, key length, key (at most 126 bytes), value tag, value length, then an
    // AnyValue of at most 2 + 126 bytes (a short string; a varint or a double is shorter).
    private const int MaxShortKeyValueBytes = 4 + (3 * MaxOneByteLengthChars) + 2 + 2 + (3 * MaxOneByteLengthChars);

    public static void Write(OtlpBuffer buffer, Resource resource, OtlpScopeBatch batch, SpanLimits limits)
    {
        buffer.Clear();
        var resourceSpans = BeginMessage(buffer, RequestResourceSpans);
        var resourceMessage = BeginMessage(buffer, ResourceSpansResource);
        var attributes = resource.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            WriteKeyValue(buffer, ResourceAttributes, attributes[i].Key, attributes[i].Value);
        }

        EndMessage(buffer, resourceMessage);

        foreach (var scope in batch.Scopes)
        {
            var scopeSpans = BeginMessage(buffer, ResourceSpansScopeSpans);
            WriteScope(buffer, scope, batch.TagsOf(scope));
            foreach (var activity in batch.SpansOf(scope))
            {
                WriteSpan(buffer, activity, limits);
            }

            if (!string.IsNullOrEmpty(scope.TelemetrySchemaUrl))
            {
                WriteStringField(buffer, ScopeSpansSchemaUrl, scope.TelemetrySchemaUrl);
            }

            EndMessage(buffer, scopeSpans);
        }

        EndMessage(buffer, resourceSpans);
    }

    private static void WriteScope(OtlpBuffer buffer, ActivitySource scope, KeyValuePair<string, object?>[] tags)
    {
        var message = BeginShortMessage(buffer, ScopeSpansScope);
        WriteStringField(buffer, ScopeName, scope.Name);
        if (!string.IsNullOrEmpty(scope.Version))
        {
            WriteStringField(buffer, ScopeVersion, scope.Version);
        }

        foreach (var tag in tags)
        {
            WriteKeyValue(buffer, ScopeAttributes, tag.Key, tag.Value);
        }

        EndShortMessage(buffer, message);
    }

    internal static void WriteSpan(OtlpBuffer buffer, Activity activity, SpanLimits spanLimits)
    {
        var limits = OtlpSpanBudget.For(activity, spanLimits);
        var span = BeginSpanWithIds(buffer, activity);
        var traceState = activity.TraceStateString;
        if (!string.IsNullOrEmpty(traceState))
        {
            WriteStringField(buffer, SpanTraceState, traceState);
        }

        var parent = activity.ParentSpanId;
        if (parent != default)
        {
            WriteIdField(buffer, SpanParentSpanId, parent.ToHexString());
        }

        WriteStringField(buffer, SpanName, activity.DisplayName);

        // The kind through the usual varint (one byte for every defined kind; a negative one, cast from an undefined
        // number, ten bytes as protobuf encodes a negative int32), then start and end in one step: two fixed64.
        WriteInt64Field(buffer, SpanKind, OtlpSpanFacts.Kind(activity));
        var times = buffer.GetSpan(18);
        times[0] = Tag(SpanStartTime, WireFixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(times[1..], OtlpSpanFacts.StartNanos(activity));
        times[9] = Tag(SpanEndTime, WireFixed64);
        BinaryPrimitives.WriteUInt64LittleEndian(times[10..], OtlpSpanFacts.EndNanos(activity));
        buffer.Advance(18);

        var dropped = limits.SdkDroppedAttributes + WriteAttributes(buffer, SpanAttributes, activity.EnumerateTagObjects(), limits.AttributeCount, skipStatusTags: true, out var hasStatusTag);

        if (dropped > 0)
        {
            WriteVarintField(buffer, SpanDroppedAttributes, (uint)dropped);
        }

        var written = 0;
        dropped = 0;
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            if (written == limits.EventCount)
            {
                dropped++;
                continue;
            }

            WriteEvent(buffer, activityEvent, in limits);
            written++;
        }

        if (dropped > 0)
        {
            WriteVarintField(buffer, SpanDroppedEvents, (uint)dropped);
        }

        written = 0;
        dropped = 0;
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            if (written == limits.LinkCount)
            {
                dropped++;
                continue;
            }

            WriteLink(buffer, link, in limits);
            written++;
        }

        if (dropped > 0)
        {
            WriteVarintField(buffer, SpanDroppedLinks, (uint)dropped);
        }

        // The status tags were looked for while the attributes were written: without them, an unset status needs no second look.
        string? message = null;
        var code = hasStatusTag || activity.Status != ActivityStatusCode.Unset ? OtlpSpanFacts.Status(activity, out message) : 0;
        if (code != 0)
        {
            var status = BeginShortMessage(buffer, SpanStatus);
            if (message is not null)
            {
                WriteStringField(buffer, StatusMessage, message);
            }

            WriteVarintField(buffer, StatusCode, (ulong)code);
            EndShortMessage(buffer, status);
        }

        WriteFixed32Field(buffer, SpanFlags, OtlpSpanFacts.SpanFlags(activity));
        EndMessage(buffer, span);
    }

    /// <summary>Starts a Span message with its trace id and span id, decoded from the hex the Activity holds.</summary>
    private static int BeginSpanWithIds(OtlpBuffer buffer, Activity activity)
    {
        var position = BeginMessage(buffer, ScopeSpansSpans);
        WriteIdField(buffer, SpanTraceId, activity.TraceId.ToHexString());
        WriteIdField(buffer, SpanSpanId, activity.SpanId.ToHexString());
        return position;
    }

    /// <summary>A 16- or 8-byte id field from its hex, decoded straight into the buffer.</summary>
    private static void WriteIdField(OtlpBuffer buffer, int field, string hex)
    {
        var length = hex.Length / 2;
        var target = buffer.GetSpan(2 + length);
        target[0] = Tag(field, WireLengthDelimited);
        target[1] = (byte)length;
        OtlpSpanFacts.HexToBytes(hex, target.Slice(2, length));
        buffer.Advance(2 + length);
    }

    private static void WriteEvent(OtlpBuffer buffer, in ActivityEvent activityEvent, in OtlpSpanBudget limits)
    {
        var message = BeginShortMessage(buffer, SpanEvents);
        WriteFixed64Field(buffer, EventTime, OtlpSpanFacts.ToUnixNanos(activityEvent.Timestamp));
        WriteStringField(buffer, EventName, activityEvent.Name);
        var dropped = WriteAttributes(buffer, EventAttributes, activityEvent.EnumerateTagObjects(), limits.AttributesPerEvent, skipStatusTags: false, out _);

        if (dropped > 0)
        {
            WriteVarintField(buffer, EventDroppedAttributes, (uint)dropped);
        }

        EndShortMessage(buffer, message);
    }

    private static void WriteLink(OtlpBuffer buffer, in ActivityLink link, in OtlpSpanBudget limits)
    {
        var message = BeginShortMessage(buffer, SpanLinks);
        var context = link.Context;
        WriteIdField(buffer, LinkTraceId, context.TraceId.ToHexString());
        WriteIdField(buffer, LinkSpanId, context.SpanId.ToHexString());
        if (!string.IsNullOrEmpty(context.TraceState))
        {
            WriteStringField(buffer, LinkTraceState, context.TraceState);
        }

        var dropped = WriteAttributes(buffer, LinkAttributes, link.EnumerateTagObjects(), limits.AttributesPerLink, skipStatusTags: false, out _);

        if (dropped > 0)
        {
            WriteVarintField(buffer, LinkDroppedAttributes, (uint)dropped);
        }

        WriteFixed32Field(buffer, LinkFlags, OtlpSpanFacts.LinkFlags(context));
        EndShortMessage(buffer, message);
    }

    // Writes the tags that have a value as attributes, at most limit of them; returns how many were dropped (over the
    // limit, or a value that could not be written); hasStatusTag tells whether a status tag (skipped when asked) was seen.
    private static int WriteAttributes(OtlpBuffer buffer, int field, Activity.Enumerator<KeyValuePair<string, object?>> tags, int limit, bool skipStatusTags, out bool hasStatusTag)
    {
        var written = 0;
        var dropped = 0;
        hasStatusTag = false;
        foreach (ref readonly var tag in tags)
        {
            if (tag.Value is null)
            {
                continue;
            }

            if (skipStatusTags && OtlpSpanFacts.IsStatusTag(tag.Key))
            {
                hasStatusTag = true;
                continue;
            }

            if (written == limit)
            {
                dropped++;
            }
            else if (WriteKeyValue(buffer, field, tag.Key, tag.Value))
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

    /// <returns><see langword="false"/> when nothing could be written (a null key, a value whose <c>ToString</c> threw): count it dropped.</returns>
    internal static bool WriteKeyValue(OtlpBuffer buffer, int field, string? key, object? value)
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

        if (TryWriteShortKeyValue(buffer, field, key, value!, kind))
        {
            return true;
        }

        // Only text and arrays of other element types run user code (ToString) to be prepared.
        var prepared = value!;
        if (kind is OtlpValueKind.Text or OtlpValueKind.Array && !OtlpValue.TryPrepare(ref prepared, ref kind))
        {
            return false;
        }

        var message = BeginShortMessage(buffer, field);
        WriteStringField(buffer, KeyValueKey, key);
        WriteAnyValue(buffer, KeyValueValue, prepared, kind);
        EndShortMessage(buffer, message);
        return true;
    }

    /// <summary>
    /// Writes a <c>KeyValue</c> whose
    /// key and value are short, in one step: one capacity check, every length known as it is written, nothing patched
    /// or moved afterwards. Most attributes have this shape. Returns <see langword="false"/>, having written nothing,
    /// for any other shape (a long key or string, another kind of value, a message of 128 bytes or more): the caller
    /// then writes it the general way.
    /// </summary>
    private static bool TryWriteShortKeyValue(OtlpBuffer buffer, int field, string key, object value, OtlpValueKind kind)
    {
        if (field >= 16 || key.Length > MaxOneByteLengthChars)
        {
            return false;
        }

        string? text = null;
        if (kind == OtlpValueKind.String)
        {
            text = (string)value;
            if (text.Length > MaxOneByteLengthChars)
            {
                return false;
            }
        }
        else if (kind is not (OtlpValueKind.Bool or OtlpValueKind.Int or OtlpValueKind.Double))
        {
            return false;
        }

        var span = buffer.GetSpan(MaxShortKeyValueBytes);
        span[0] = Tag(field, WireLengthDelimited);
        span[2] = Tag(KeyValueKey, WireLengthDelimited);
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key, span[4..]);
        span[3] = (byte)keyBytes;
        var p = 4 + keyBytes;
        span[p] = Tag(KeyValueValue, WireLengthDelimited);
        var anyLengthAt = p + 1;
        p += 2;
        switch (kind)
        {
            case OtlpValueKind.String:
                span[p] = Tag(AnyString, WireLengthDelimited);
                var textBytes = System.Text.Encoding.UTF8.GetBytes(text, span[(p + 2)..]);
                span[p + 1] = (byte)textBytes;
                p += 2 + textBytes;
                break;
            case OtlpValueKind.Bool:
                span[p] = Tag(AnyBool, WireVarint);
                span[p + 1] = (bool)value ? (byte)1 : (byte)0;
                p += 2;
                break;
            case OtlpValueKind.Int:
                span[p] = Tag(AnyInt, WireVarint);
                p = WriteVarint(span, p + 1, unchecked((ulong)OtlpValue.ToInt64(value)));
                break;
            default:
                span[p] = Tag(AnyDouble, WireFixed64);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(p + 1)..], OtlpValue.ToDouble(value));
                p += 9;
                break;
        }

        var anyLength = p - anyLengthAt - 1;
        var keyValueLength = p - 2;
        if (keyValueLength >= 0x80)
        {
            return false;
        }

        span[anyLengthAt] = (byte)anyLength;
        span[1] = (byte)keyValueLength;
        buffer.Advance(p);
        return true;
    }

    private static void WriteAnyValue(OtlpBuffer buffer, int field, object value, OtlpValueKind kind)
    {
        var message = BeginShortMessage(buffer, field);
        switch (kind)
        {
            case OtlpValueKind.String:
                WriteStringField(buffer, AnyString, (string)value);
                break;
            case OtlpValueKind.Bool:
                WriteBoolField(buffer, AnyBool, (bool)value);
                break;
            case OtlpValueKind.Int:
                WriteInt64Field(buffer, AnyInt, OtlpValue.ToInt64(value));
                break;
            case OtlpValueKind.Double:
                WriteDoubleField(buffer, AnyDouble, OtlpValue.ToDouble(value));
                break;
            case OtlpValueKind.Bytes:
                WriteBytesField(buffer, AnyBytes, (byte[])value);
                break;
            case OtlpValueKind.Array:
                WriteArray(buffer, (Array)value);
                break;
            case OtlpValueKind.Text:
                WriteStringField(buffer, AnyString, OtlpValue.ToText(value));
                break;
        }

        EndShortMessage(buffer, message);
    }

    private static void WriteArray(OtlpBuffer buffer, Array array)
    {
        var message = BeginShortMessage(buffer, AnyArray);
        switch (array)
        {
            case string[] strings:
                foreach (var s in strings)
                {
                    var element = BeginShortMessage(buffer, ArrayValues);
                    if (s is not null)
                    {
                        WriteStringField(buffer, AnyString, s);
                    }

                    EndShortMessage(buffer, element);
                }

                break;
            case long[] longs:
                foreach (var l in longs)
                {
                    var element = BeginShortMessage(buffer, ArrayValues);
                    WriteInt64Field(buffer, AnyInt, l);
                    EndShortMessage(buffer, element);
                }

                break;
            case int[] ints:
                foreach (var i in ints)
                {
                    var element = BeginShortMessage(buffer, ArrayValues);
                    WriteInt64Field(buffer, AnyInt, i);
                    EndShortMessage(buffer, element);
                }

                break;
            case double[] doubles:
                foreach (var d in doubles)
                {
                    var element = BeginShortMessage(buffer, ArrayValues);
                    WriteDoubleField(buffer, AnyDouble, d);
                    EndShortMessage(buffer, element);
                }

                break;
            case bool[] bools:
                foreach (var b in bools)
                {
                    var element = BeginShortMessage(buffer, ArrayValues);
                    WriteBoolField(buffer, AnyBool, b);
                    EndShortMessage(buffer, element);
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
                        EndShortMessage(buffer, BeginShortMessage(buffer, ArrayValues));
                    }
                    else
                    {
                        WriteAnyValue(buffer, ArrayValues, item!, kind);
                    }
                }

                break;
        }

        EndShortMessage(buffer, message);
    }
}
