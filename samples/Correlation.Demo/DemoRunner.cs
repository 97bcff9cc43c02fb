using System.Globalization;
using Correlation.Demo.Backend;
using Correlation.Demo.Logging;
using Correlation.Demo.Scenario;
using Correlation.Demo.Terminal;

namespace Correlation.Demo;

/// <summary>Runs the demo: backend (if any), scenario, terminal view, dashboard links.</summary>
internal sealed class DemoRunner(DemoOptions options, TextWriter output, TextReader input)
{
    /// <summary>Runs the demo.</summary>
    /// <param name="color">Whether to colour the output.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The exit code.</returns>
    /// <exception cref="DemoException">A port is taken or the backend cannot start; the message says which.</exception>
    public async Task<int> RunAsync(bool color, CancellationToken cancellationToken)
    {
        AspireDashboard? dashboard = null;
        var otlp = options.OtlpEndpoint;
        try
        {
            if (options.Dashboard)
            {
                var executable = options.DashboardPath ?? AspireDashboard.BundledExecutable
                    ?? throw new DemoException(DemoExitCodes.BackendUnavailable, "this build of the demo does not know where the Aspire Dashboard package is; pass --dashboard-path");
                dashboard = await AspireDashboard.StartAsync(executable, options.DashboardPort, cancellationToken).ConfigureAwait(false);
                otlp = dashboard.OtlpHttpEndpoint;
            }
            else if (otlp is not null && !await LoopbackPorts.CanConnectAsync(otlp.Host, otlp.Port, TimeSpan.FromSeconds(3)).ConfigureAwait(false))
            {
                throw new DemoException(
                    DemoExitCodes.BackendUnavailable,
                    $"nothing answers at the OTLP endpoint {otlp} (from {options.OtlpEndpointSource}). Start your backend, or use --dashboard to start one.");
            }

            using var pipeline = new TelemetryPipeline(otlp);
            var address = await OrderScenario.RunAsync(options.Port, pipeline, cancellationToken).ConfigureAwait(false);
            var spans = pipeline.Shutdown();

            var logs = new List<LogLineView>();
            foreach (var line in pipeline.Capture.Snapshot())
            {
                if (LogRecordParser.Parse(line) is { } parsed)
                {
                    logs.Add(parsed);
                }
            }

            var (traces, outside) = TraceViewBuilder.Build(spans, logs);
            WriteIntro(address, color);
            foreach (var trace in traces)
            {
                output.Write(WaterfallRenderer.Render(trace, color));
                output.Write('\n');
            }

            output.Write(WaterfallRenderer.RenderOutsideSpans(outside, color));
            WriteSummary(traces, logs);

            var exportFailure = pipeline.ExportWatch.FirstFailure is { } first
                ? string.Create(CultureInfo.InvariantCulture, $"{pipeline.ExportWatch.Failures} export(s) to the OTLP endpoint {otlp} failed, the first: {first}")
                : null;
            if (dashboard is not null)
            {
                if (exportFailure is not null)
                {
                    output.WriteLine($"warning: {exportFailure}");
                }

                await ShowDashboardAsync(dashboard, traces, cancellationToken).ConfigureAwait(false);
            }
            else if (otlp is not null)
            {
                if (exportFailure is not null)
                {
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    throw new DemoException(
                        DemoExitCodes.BackendUnavailable,
                        $"{exportFailure}. Check that an OTLP/HTTP receiver listens there (base URL, e.g. http://localhost:4318), or use --dashboard to start one.");
                }

                output.WriteLine($"Spans and logs were sent to {otlp} (OTLP/HTTP).");
            }
            else
            {
                output.WriteLine("Next: add -- --dashboard to explore the same traces and logs in the Aspire Dashboard, or -- --otlp <endpoint> for your own backend.");
            }

            return DemoExitCodes.Success;
        }
        finally
        {
            dashboard?.Dispose();
        }
    }

    private void WriteIntro(Uri address, bool color)
    {
        var bold = color ? "\u001b[1m" : string.Empty;
        var reset = color ? "\u001b[0m" : string.Empty;
        output.WriteLine($"{bold}Correlation demo{reset}: an order service on {address} (logs through Microsoft.Extensions.Logging), its inventory (Serilog) and a queue worker (NLog).");
        output.WriteLine($"Two orders are placed with baggage tenant.id={OrderScenario.Tenant}; each log line below sits under the span whose ids its framework wrote into it.");
        output.WriteLine();
    }

    private void WriteSummary(IReadOnlyList<TraceView> traces, List<LogLineView> logs) => output.WriteLine(Summary(traces, logs));

    /// <summary>
    /// The closing line: traces, spans, log lines per framework, and how many lines were placed under a recorded span
    /// by the ids their framework wrote (with, when there are any, those whose span was not recorded and those with no
    /// trace fields).
    /// </summary>
    /// <param name="traces">The recorded traces, each with the log lines that carry its trace id.</param>
    /// <param name="logs">Every log line read back.</param>
    /// <returns>The line.</returns>
    internal static string Summary(IReadOnlyList<TraceView> traces, IReadOnlyList<LogLineView> logs)
    {
        var spans = 0;
        var placed = 0;
        foreach (var trace in traces)
        {
            spans += trace.Spans.Count;
            var ids = new HashSet<string>(trace.Spans.Select(static s => s.SpanId), StringComparer.Ordinal);
            placed += trace.Logs.Count(l => l.SpanId is not null && ids.Contains(l.SpanId));
        }

        var withoutFields = 0;
        var perFramework = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var log in logs)
        {
            perFramework[log.Framework] = perFramework.GetValueOrDefault(log.Framework) + 1;
            if (log.TraceId is null || log.SpanId is null)
            {
                withoutFields++;
            }
        }

        var counts = string.Join(", ", perFramework.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{traces.Count} traces, {spans} spans, {logs.Count} log lines ({counts}); {placed} carried trace_id/span_id and were placed under their span");
        var unrecorded = logs.Count - withoutFields - placed;
        if (unrecorded > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {unrecorded} carried the ids of a span that was not recorded");
        }

        if (withoutFields > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {withoutFields} carried no trace_id/span_id");
        }

        return line + ".";
    }

    private async Task ShowDashboardAsync(AspireDashboard dashboard, IReadOnlyList<TraceView> traces, CancellationToken cancellationToken)
    {
        var stored = await DashboardQueries.WaitForTracesAsync(dashboard.FrontendUrl, traces, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        output.WriteLine();
        output.WriteLine($"Aspire Dashboard: {dashboard.FrontendUrl}");
        output.WriteLine($"  stored {stored.Traces} of {traces.Count} traces and {stored.Logs} log records");
        output.WriteLine($"  traces:          {new Uri(dashboard.FrontendUrl, "traces")}");
        output.WriteLine($"  structured logs: {new Uri(dashboard.FrontendUrl, "structuredlogs")}");
        foreach (var trace in traces)
        {
            output.WriteLine($"  trace {trace.TraceId}: {new Uri(dashboard.FrontendUrl, "traces/detail/" + trace.TraceId)}");
        }

        output.WriteLine("Press Enter or Ctrl+C to stop the dashboard.");
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Waits for a line or the end of input: a closed or empty standard input (CI, `< /dev/null`) ends the demo at once.
        var line = Task.Run(input.ReadLine, CancellationToken.None);
        await Task.WhenAny(line, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }
}
