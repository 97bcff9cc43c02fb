using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using NLog;
using NLog.Common;
using NLog.Layouts;
using NLog.Targets;

namespace Correlation.Demo.Logging;

/// <summary>
/// Sends NLog events to an OTLP/HTTP receiver as OTLP/JSON log records (<c>POST /v1/logs</c>). The record's trace and
/// span ids are the values Correlation's layout renderers (<c>${trace-id}</c>, <c>${span-id}</c>) produced on the
/// logging thread; events are sent in one request when NLog flushes or closes the target.
/// </summary>
internal sealed class NLogOtlpTarget : Target
{
    private readonly HttpClient _http;
    private readonly Uri _logsEndpoint;
    private readonly string _serviceName;
    private readonly string _serviceInstanceId;
    private readonly ConcurrentQueue<PendingRecord> _pending = new();

    /// <summary>Creates the target.</summary>
    /// <param name="logsEndpoint">The full logs endpoint, e.g. <c>http://127.0.0.1:4318/v1/logs</c>.</param>
    /// <param name="serviceName">The resource's <c>service.name</c>.</param>
    /// <param name="serviceInstanceId">The resource's <c>service.instance.id</c>.</param>
    /// <param name="http">The HTTP client to send with; the target disposes it.</param>
    public NLogOtlpTarget(Uri logsEndpoint, string serviceName, string serviceInstanceId, HttpClient http)
    {
        _logsEndpoint = logsEndpoint;
        _serviceName = serviceName;
        _serviceInstanceId = serviceInstanceId;
        _http = http;
        Name = "otlp";
    }

    /// <summary>The trace id layout.</summary>
    public Layout TraceId { get; set; } = "${trace-id}";

    /// <summary>The span id layout.</summary>
    public Layout SpanId { get; set; } = "${span-id}";

    /// <summary>The tenant baggage layout.</summary>
    public Layout Tenant { get; set; } = "${baggage:item=" + DemoFields.Tenant + "}";

    /// <inheritdoc/>
    protected override void Write(LogEventInfo logEvent) => _pending.Enqueue(new PendingRecord(
        logEvent.TimeStamp.ToUniversalTime(),
        logEvent.Level,
        logEvent.LoggerName ?? string.Empty,
        logEvent.FormattedMessage,
        logEvent.Exception,
        RenderLogEvent(TraceId, logEvent),
        RenderLogEvent(SpanId, logEvent),
        RenderLogEvent(Tenant, logEvent)));

    /// <inheritdoc/>
    protected override void FlushAsync(AsyncContinuation asyncContinuation)
    {
        try
        {
            Send();
            asyncContinuation(null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            asyncContinuation(ex);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Send()
    {
        var batch = new List<PendingRecord>();
        while (_pending.TryDequeue(out var record))
        {
            batch.Add(record);
        }

        if (batch.Count == 0)
        {
            return;
        }

        using var content = new ByteArrayContent(Serialize(batch));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, _logsEndpoint) { Content = content };
        using var response = _http.Send(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the OTLP receiver answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private byte[] Serialize(List<PendingRecord> batch)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("resourceLogs");
            json.WriteStartObject();
            json.WriteStartObject("resource");
            json.WriteStartArray("attributes");
            WriteAttribute(json, "service.name", _serviceName);
            WriteAttribute(json, "service.instance.id", _serviceInstanceId);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("scopeLogs");
            foreach (var scope in batch.GroupBy(r => r.Logger, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteStartObject("scope");
                json.WriteString("name", scope.Key);
                json.WriteEndObject();
                json.WriteStartArray("logRecords");
                foreach (var record in scope)
                {
                    WriteRecord(json, record);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteRecord(Utf8JsonWriter json, PendingRecord record)
    {
        var unixNanos = (record.TimestampUtc - DateTime.UnixEpoch).Ticks * 100;
        json.WriteStartObject();
        json.WriteString("timeUnixNano", unixNanos.ToString(CultureInfo.InvariantCulture));
        json.WriteString("observedTimeUnixNano", unixNanos.ToString(CultureInfo.InvariantCulture));
        json.WriteNumber("severityNumber", SeverityNumber(record.Level));
        json.WriteString("severityText", record.Level.Name);
        json.WriteStartObject("body");
        json.WriteString("stringValue", record.Message);
        json.WriteEndObject();
        json.WriteStartArray("attributes");
        WriteAttribute(json, "log.framework", LogFrameworks.NLog);
        if (record.Tenant.Length > 0)
        {
            WriteAttribute(json, DemoFields.Tenant, record.Tenant);
        }

        if (record.Exception is not null)
        {
            WriteAttribute(json, "exception.type", record.Exception.GetType().FullName ?? "Exception");
            WriteAttribute(json, "exception.message", record.Exception.Message);
        }

        json.WriteEndArray();
        if (record.TraceId.Length == 32 && record.SpanId.Length == 16)
        {
            json.WriteString("traceId", record.TraceId);
            json.WriteString("spanId", record.SpanId);
        }

        json.WriteEndObject();
    }

    private static void WriteAttribute(Utf8JsonWriter json, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteStartObject("value");
        json.WriteString("stringValue", value);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber
    private static int SeverityNumber(LogLevel level) => level.Ordinal switch
    {
        0 => 1,
        1 => 5,
        2 => 9,
        3 => 13,
        4 => 17,
        _ => 21,
    };

    private sealed record PendingRecord(
        DateTime TimestampUtc,
        LogLevel Level,
        string Logger,
        string Message,
        Exception? Exception,
        string TraceId,
        string SpanId,
        string Tenant);
}
