using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Correlation.Demo.Terminal;

namespace Correlation.Demo.Backend;

/// <summary>Reads back from the Aspire Dashboard's telemetry API what it stored.</summary>
internal static class DashboardQueries
{
    /// <summary>Waits until the dashboard holds every trace (or the timeout passes) and counts what it stored.</summary>
    /// <param name="frontend">The dashboard's base URL.</param>
    /// <param name="traces">The traces the demo recorded.</param>
    /// <param name="timeout">How long to wait for the exporters' last batches to arrive.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>How many of the traces it stored, and how many log records it holds.</returns>
    public static async Task<(int Traces, int Logs)> WaitForTracesAsync(Uri frontend, IReadOnlyList<TraceView> traces, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        ArgumentNullException.ThrowIfNull(traces);
        using var http = new HttpClient { BaseAddress = frontend, Timeout = TimeSpan.FromSeconds(5) };
        var expectedSpans = 0;
        foreach (var trace in traces)
        {
            expectedSpans += trace.Spans.Count;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stored = 0;
            var spans = 0;
            foreach (var trace in traces)
            {
                var count = await CountSpansAsync(http, trace.TraceId, cancellationToken).ConfigureAwait(false);
                if (count > 0)
                {
                    stored++;
                    spans += count;
                }
            }

            var logs = await CountAsync(http, "api/telemetry/logs", cancellationToken).ConfigureAwait(false);
            if ((stored == traces.Count && spans >= expectedSpans && logs > 0) || clock.Elapsed > timeout)
            {
                return (stored, logs);
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> CountSpansAsync(HttpClient http, string traceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("api/telemetry/traces/" + traceId, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound || !response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var count = 0;
        if (document.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("resourceSpans", out var resourceSpans))
        {
            foreach (var resource in resourceSpans.EnumerateArray())
            {
                foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
                {
                    count += scope.GetProperty("spans").GetArrayLength();
                }
            }
        }

        return count;
    }

    private static async Task<int> CountAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.TryGetProperty("totalCount", out var total) && total.TryGetInt32(out var count) ? count : 0;
    }
}
