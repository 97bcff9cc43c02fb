using System.Diagnostics;
using System.Text.Json;
using Correlation.Demo.Backend;
using Correlation.Demo.Logging;
using Correlation.Demo.Scenario;
using Correlation.Demo.Terminal;

namespace Correlation.Demo.Tests.EndToEnd;

/// <summary>
/// Starts the real Aspire Dashboard from its NuGet package, runs the order scenario once exporting to it, and keeps
/// what the demo recorded (spans, the frameworks' JSON lines) and what the dashboard stored (read back from its API).
/// </summary>
public sealed class DashboardScenarioFixture : IAsyncLifetime
{
    private AspireDashboard? _dashboard;

    internal IReadOnlyList<Activity> Spans { get; private set; } = [];

    internal IReadOnlyList<LogLineView> Logs { get; private set; } = [];

    /// <summary>Each framework's JSON line with the span that was current when it was written (same order as <see cref="Logs"/>).</summary>
    internal IReadOnlyList<CapturedLogLine> Captured { get; private set; } = [];

    internal List<StoredLog> StoredLogs { get; } = [];

    internal Dictionary<string, HashSet<string>> StoredSpanIdsByTrace { get; } = new(StringComparer.Ordinal);

    /// <summary>The dashboard's resources: name, and whether it holds logs and traces.</summary>
    internal List<(string Name, bool HasLogs, bool HasTraces)> Resources { get; } = [];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var executable = AspireDashboard.BundledExecutable ?? throw new InvalidOperationException("the demo assembly does not name the dashboard package");
        _dashboard = await AspireDashboard.StartAsync(executable, frontendPort: null, timeout.Token);

        using (var pipeline = new TelemetryPipeline(_dashboard.OtlpHttpEndpoint))
        {
            await OrderScenario.RunAsync(0, pipeline, timeout.Token);
            Spans = pipeline.Shutdown();
            var logs = new List<LogLineView>();
            Captured = pipeline.Capture.Snapshot();
            foreach (var line in Captured)
            {
                logs.Add(LogRecordParser.Parse(line) ?? throw new InvalidOperationException("not JSON: " + line.Json));
            }

            Logs = logs;
        }

        using var http = new HttpClient { BaseAddress = _dashboard.FrontendUrl, Timeout = TimeSpan.FromSeconds(5) };
        var traceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var span in Spans)
        {
            traceIds.Add(span.TraceId.ToHexString());
        }

        // The exporters send in the background: wait until the dashboard holds every span and every log line.
        while (true)
        {
            StoredLogs.Clear();
            StoredSpanIdsByTrace.Clear();
            await ReadLogsAsync(http, timeout.Token);
            foreach (var log in StoredLogs)
            {
                if (log.TraceId.Length > 0)
                {
                    traceIds.Add(log.TraceId);
                }
            }

            var spans = 0;
            foreach (var traceId in traceIds)
            {
                spans += await ReadTraceAsync(http, traceId, timeout.Token);
            }

            if ((StoredLogs.Count >= Logs.Count && spans >= Spans.Count) || timeout.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(250, timeout.Token);
        }

        using var resources = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/telemetry/resources", UriKind.Relative), timeout.Token));
        foreach (var resource in resources.RootElement.EnumerateArray())
        {
            Resources.Add((resource.GetProperty("name").GetString() ?? string.Empty, resource.GetProperty("hasLogs").GetBoolean(), resource.GetProperty("hasTraces").GetBoolean()));
        }
    }

    public Task DisposeAsync()
    {
        _dashboard?.Dispose();
        return Task.CompletedTask;
    }

    private async Task ReadLogsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/telemetry/logs", UriKind.Relative), cancellationToken));
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            foreach (var scope in resource.GetProperty("scopeLogs").EnumerateArray())
            {
                var scopeName = scope.TryGetProperty("scope", out var s) && s.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
                foreach (var record in scope.GetProperty("logRecords").EnumerateArray())
                {
                    StoredLogs.Add(new StoredLog(
                        scopeName,
                        record.TryGetProperty("body", out var body) && body.TryGetProperty("stringValue", out var text) ? text.GetString() ?? string.Empty : string.Empty,
                        Hex(record, "traceId"),
                        Hex(record, "spanId")));
                }
            }
        }
    }

    private async Task<int> ReadTraceAsync(HttpClient http, string traceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("api/telemetry/traces/" + traceId, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    if (Hex(span, "traceId") == traceId)
                    {
                        ids.Add(Hex(span, "spanId"));
                    }
                }
            }
        }

        if (ids.Count > 0)
        {
            StoredSpanIdsByTrace[traceId] = ids;
        }

        return ids.Count;
    }

    // OTLP/JSON writes ids as hex; accept base64 too (the protobuf JSON mapping) so the test reads either.
    private static string Hex(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.GetString() is not { Length: > 0 } text)
        {
            return string.Empty;
        }

        if (text.Length is 32 or 16 && text.All(Uri.IsHexDigit))
        {
            return text.ToLowerInvariant();
        }

        return Convert.ToHexStringLower(Convert.FromBase64String(text));
    }

    internal sealed record StoredLog(string Scope, string Body, string TraceId, string SpanId);
}
