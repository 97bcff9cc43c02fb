using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Correlation.Demo.Backend;

/// <summary>
/// The Aspire Dashboard as a child process: a real OTLP receiver with a web UI and a JSON API, started from the
/// binary in its NuGet package (Aspire.Dashboard.Sdk.linux-x64, restored with the demo) on free loopback ports.
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly Queue<string> _output;

    private AspireDashboard(Process process, Queue<string> output, Uri frontend, Uri otlpHttp)
    {
        _process = process;
        _output = output;
        FrontendUrl = frontend;
        OtlpHttpEndpoint = otlpHttp;
    }

    /// <summary>The web UI and API, e.g. <c>http://127.0.0.1:18888/</c>.</summary>
    public Uri FrontendUrl { get; }

    /// <summary>The OTLP/HTTP receiver, e.g. <c>http://127.0.0.1:4318/</c>.</summary>
    public Uri OtlpHttpEndpoint { get; }

    /// <summary>The executable in the package the demo was built with.</summary>
    public static string? BundledExecutable =>
        typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AspireDashboardPath")?.Value;

    /// <summary>Starts the dashboard and waits until its UI/API and OTLP receiver answer.</summary>
    /// <param name="executable">The Aspire.Dashboard executable.</param>
    /// <param name="frontendPort">The web port, or null for a free one.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The running dashboard.</returns>
    /// <exception cref="DemoException">A port is taken, the executable is missing, or it exits or does not answer in time.</exception>
    public static async Task<AspireDashboard> StartAsync(string executable, int? frontendPort, CancellationToken cancellationToken)
    {
        if (!File.Exists(executable))
        {
            throw new DemoException(
                DemoExitCodes.BackendUnavailable,
                $"the Aspire Dashboard was not found at {executable}. It comes from the NuGet package Aspire.Dashboard.Sdk.linux-x64, " +
                "restored with the demo (dotnet restore); on another OS pass --dashboard-path <Aspire.Dashboard executable>, or use --otlp <endpoint>.");
        }

        if (frontendPort is { } requested && LoopbackPorts.IsTaken(requested))
        {
            throw new DemoException(
                DemoExitCodes.PortInUse,
                $"port {requested} on 127.0.0.1 is already in use, so the Aspire Dashboard cannot listen there. Choose another with --dashboard-port, or leave it out to use a free one.");
        }

        var uiPort = frontendPort ?? LoopbackPorts.Free();
        var otlpHttpPort = DistinctFreePort(uiPort);
        var otlpGrpcPort = DistinctFreePort(uiPort, otlpHttpPort);
        var frontend = new Uri($"http://127.0.0.1:{uiPort}/");
        var otlpHttp = new Uri($"http://127.0.0.1:{otlpHttpPort}/");

        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(executable)) ?? Environment.CurrentDirectory,
        };
        // shared/BACKEND.md: everything on loopback, no authentication, the telemetry API on.
        start.Environment["ASPNETCORE_URLS"] = frontend.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = otlpHttp.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{otlpGrpcPort}";
        start.Environment["DASHBOARD__FRONTEND__AUTHMODE"] = "Unsecured";
        start.Environment["DASHBOARD__OTLP__AUTHMODE"] = "Unsecured";
        start.Environment["DASHBOARD__API__ENABLED"] = "true";
        start.Environment["DASHBOARD__API__AUTHMODE"] = "Unsecured";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var output = new Queue<string>();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DemoException(DemoExitCodes.BackendUnavailable, $"the Aspire Dashboard at {executable} could not be started");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new DemoException(DemoExitCodes.BackendUnavailable, $"the Aspire Dashboard at {executable} could not be started: {ex.Message}");
        }

        process.OutputDataReceived += (_, e) => Remember(output, e.Data);
        process.ErrorDataReceived += (_, e) => Remember(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboard = new AspireDashboard(process, output, frontend, otlpHttp);
        try
        {
            await dashboard.WaitUntilReadyAsync(otlpHttpPort, cancellationToken).ConfigureAwait(false);
            return dashboard;
        }
        catch
        {
            dashboard.Dispose();
            throw;
        }
    }

    /// <summary>Stops the dashboard.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(int otlpHttpPort, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Let the output readers catch up before quoting them.
                _process.WaitForExit();
                throw new DemoException(
                    DemoExitCodes.BackendUnavailable,
                    $"the Aspire Dashboard exited with code {_process.ExitCode} before it was ready.{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(FrontendUrl, "api/telemetry/resources"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && await LoopbackPorts.CanConnectAsync("127.0.0.1", otlpHttpPort, TimeSpan.FromSeconds(1)).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow to answer: try again.
            }

            await Task.Delay(150, cancellationToken).ConfigureAwait(false);
        }

        throw new DemoException(
            DemoExitCodes.BackendUnavailable,
            $"the Aspire Dashboard did not answer on {FrontendUrl} within {ReadyTimeout.TotalSeconds:0} s.{Tail()}");
    }

    private string Tail()
    {
        string[] lines;
        lock (_output)
        {
            lines = [.. _output];
        }

        if (lines.Length == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder(" Its last output:");
        foreach (var line in lines)
        {
            text.Append('\n').Append("  ").Append(line);
        }

        return text.ToString();
    }

    private static void Remember(Queue<string> output, string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line.TrimEnd());
            while (output.Count > 12)
            {
                output.Dequeue();
            }
        }
    }

    private static int DistinctFreePort(params int[] taken)
    {
        while (true)
        {
            var port = LoopbackPorts.Free();
            if (Array.IndexOf(taken, port) < 0)
            {
                return port;
            }
        }
    }
}
