using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;

namespace Correlation.EndToEnd.Tests.Support;

/// <summary>
/// The real Aspire Dashboard (shared/BACKEND.md), started from the NuGet package this project restores, on free
/// loopback ports, with its telemetry API enabled. It can be killed and started again on the same ports.
/// </summary>
public sealed class AspireDashboard : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private AspireDashboard()
    {
        ApiPort = FreePort();
        OtlpHttpPort = FreePort();
        OtlpGrpcPort = FreePort();
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int ApiPort { get; }

    public int OtlpHttpPort { get; }

    public int OtlpGrpcPort { get; }

    /// <summary>The base OTLP/HTTP endpoint (the exporter appends <c>v1/traces</c>).</summary>
    public Uri OtlpEndpoint => new($"http://127.0.0.1:{OtlpHttpPort}");

    public Uri TracesEndpoint => new($"http://127.0.0.1:{OtlpHttpPort}/v1/traces");

    public HttpClient Api { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The dashboard's own output, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public static string BinaryPath
    {
        get
        {
            var path = typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "AspireDashboardPath").Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException($"The Aspire Dashboard binary was not restored (expected at '{path}'); run 'dotnet restore'.");
            }

            return path;
        }
    }

    public static async Task<AspireDashboard> StartAsync()
    {
        var dashboard = new AspireDashboard();
        await dashboard.StartAgainAsync();
        return dashboard;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the binary (again) on the same ports and waits until its OTLP/HTTP receiver and API answer.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The dashboard is already running.");
        }

        var info = new ProcessStartInfo(BinaryPath)
        {
            WorkingDirectory = Path.GetDirectoryName(BinaryPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = info.Environment;
        foreach (var key in env.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList())
        {
            env.Remove(key);
        }

        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ApiPort}";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpEndpoint.ToString().TrimEnd('/');
        env["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{OtlpGrpcPort}";
        env["DASHBOARD__FRONTEND__AUTHMODE"] = "Unsecured";
        env["DASHBOARD__OTLP__AUTHMODE"] = "Unsecured";
        env["DASHBOARD__API__ENABLED"] = "true";
        env["DASHBOARD__API__AUTHMODE"] = "Unsecured";
        env["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        // The load test stores 100,000 spans; the dashboard's default cap is 10,000 traces.
        env["DASHBOARD__TELEMETRYLIMITS__MAXTRACECOUNT"] = "200000";
        env["DASHBOARD__TELEMETRYLIMITS__MAXATTRIBUTECOUNT"] = "256";

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The Aspire Dashboard exited while starting:\n" + Output));
        if (!process.Start())
        {
            throw new InvalidOperationException("The Aspire Dashboard did not start.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(StartTimeout);

        // The log line comes as Kestrel binds; the API answering proves the whole app is up.
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var response = await Api.GetAsync("api/telemetry/resources");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("The Aspire Dashboard API did not answer:\n" + Output);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the process at once (no graceful shutdown), as a crashed backend would go.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>Reads <c>/api/telemetry/traces/{traceId}</c> until it holds <paramref name="spanCount"/> spans.</summary>
    public async Task<JsonElement> GetTraceAsync(string traceId, int spanCount)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Api.GetAsync($"api/telemetry/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (last.GetProperty("totalCount").GetInt32() >= spanCount)
                {
                    return last;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Trace {traceId} did not reach {spanCount} spans; last answer: {last}");
    }

    /// <summary>The number of spans the dashboard stores for a resource (the API's <c>totalCount</c>).</summary>
    public async Task<int> CountSpansAsync(string resource)
    {
        using var response = await Api.GetAsync($"api/telemetry/spans?resource={Uri.EscapeDataString(resource)}&limit=1");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("totalCount").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Api.Dispose();
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400)
        {
            _output.TryDequeue(out _);
        }

        if (line.Contains("OTLP/HTTP listening on", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }
}
