using System.Net;
using System.Net.Sockets;

namespace Correlation.Demo.Tests.EndToEnd;

/// <summary>The demo stops with a clear message and a non-zero exit code when it cannot run.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class FailureTests
{
    [Fact]
    public async Task A_taken_service_port_ends_the_demo_with_exit_code_3()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output, error) = await RunAsync("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DemoExitCodes.PortInUse, code);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("trace ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_dashboard_port_ends_the_demo_with_exit_code_3()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, error) = await RunAsync("--dashboard", "--dashboard-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DemoExitCodes.PortInUse, code);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use, so the Aspire Dashboard cannot listen there", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_otlp_endpoint_ends_the_demo_with_exit_code_4()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (code, _, error) = await RunAsync("--otlp", $"http://127.0.0.1:{port}");

        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains($"nothing answers at the OTLP endpoint http://127.0.0.1:{port}/ (from --otlp)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_from_the_environment_is_named_as_coming_from_it()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var endpoint = $"http://127.0.0.1:{port}";
        var code = await Program.RunAsync([], name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? endpoint : null, output, error, TextReader.Null, color: false, CancellationToken.None);

        // It said "(from --otlp)", an option the user never gave (the demo's README shows this very line).
        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains($"nothing answers at the OTLP endpoint http://127.0.0.1:{port}/ (from OTEL_EXPORTER_OTLP_ENDPOINT)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_otlp_endpoint_that_accepts_connections_but_never_answers_does_not_hold_the_demo()
    {
        using var silent = new SilentListener();

        var run = RunAsync("--otlp", $"http://127.0.0.1:{silent.Port}");
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(90)));

        // Serilog's sink alone used to wait 100 s per request, and the demo printed nothing until then.
        Assert.Same(run, finished);
        var (code, output, error) = await run;
        Assert.Contains("3 traces, 18 spans, 13 log lines", output, StringComparison.Ordinal);
        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains($"to the OTLP endpoint http://127.0.0.1:{silent.Port}/ failed, the first: ", error, StringComparison.Ordinal);
        Assert.Contains("no answer within 5 s", error, StringComparison.Ordinal);
        Assert.DoesNotContain("were sent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_otlp_endpoint_that_rejects_the_exports_is_reported_not_claimed_as_sent()
    {
        var rejecting = new AnsweringReceiver(404);
        var (code, output, error) = await RunAsync("--otlp", $"http://127.0.0.1:{rejecting.Port}");
        await rejecting.StopAsync();

        // It used to print "Spans and logs were sent" and exit 0 while every export had been answered 404.
        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains($"to the OTLP endpoint http://127.0.0.1:{rejecting.Port}/ failed, the first: ", error, StringComparison.Ordinal);
        Assert.Contains("404", error, StringComparison.Ordinal);
        Assert.DoesNotContain("were sent", output, StringComparison.Ordinal);
        Assert.Contains("3 traces, 18 spans, 13 log lines", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_otlp_endpoint_that_takes_every_export_is_reported_as_such()
    {
        var accepting = new AnsweringReceiver(200);
        var (code, output, error) = await RunAsync("--otlp", $"http://127.0.0.1:{accepting.Port}");
        await accepting.StopAsync();

        Assert.Equal(string.Empty, error);
        Assert.Equal(DemoExitCodes.Success, code);
        Assert.Contains($"Spans and logs were sent to http://127.0.0.1:{accepting.Port}/ (OTLP/HTTP).", output, StringComparison.Ordinal);
        Assert.Contains("/v1/traces", accepting.Paths);
        Assert.Contains("/v1/logs", accepting.Paths);
    }

    [Fact]
    public async Task A_dashboard_that_cannot_start_ends_the_demo_with_exit_code_4()
    {
        var notAnExecutable = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "Aspire.Dashboard");

        var (code, _, error) = await RunAsync("--dashboard", "--dashboard-path", notAnExecutable);

        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains("the Aspire Dashboard was not found at " + notAnExecutable, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_before_the_end_is_not_reported_as_done()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        var code = await Program.RunAsync([], static _ => null, output, error, TextReader.Null, color: false, stopped.Token);

        // It used to exit 0 ("done") with nothing printed.
        Assert.Equal(DemoExitCodes.Interrupted, code);
        Assert.Equal("error: interrupted (Ctrl+C) before the demo finished.\n", error.ToString());
    }

    [Fact]
    public async Task A_wrong_option_ends_the_demo_with_exit_code_2()
    {
        var (code, _, error) = await RunAsync("--colour");

        Assert.Equal(DemoExitCodes.Usage, code);
        Assert.Contains("unknown option '--colour'", error, StringComparison.Ordinal);
    }

    /// <summary>An HTTP receiver on a free loopback port that answers every request with one status.</summary>
    private sealed class AnsweringReceiver
    {
        private readonly HttpListener _listener = new();
        private readonly Task _answering;

        public AnsweringReceiver(int status)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _answering = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var context = await _listener.GetContextAsync();
                        Paths.Add(context.Request.Url!.AbsolutePath);
                        await context.Request.InputStream.CopyToAsync(Stream.Null);
                        context.Response.StatusCode = status;
                        context.Response.Close();
                    }
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // Stopped.
                }
            });
        }

        public int Port { get; }

        public System.Collections.Concurrent.ConcurrentBag<string> Paths { get; } = [];

        public async Task StopAsync()
        {
            _listener.Stop();
            await _answering;
            _listener.Close();
        }
    }

    /// <summary>Accepts every connection on a free loopback port and never answers.</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _held = [];
        private readonly Task _accepting;

        public SilentListener()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var client = await _listener.AcceptTcpClientAsync();
                        lock (_held)
                        {
                            _held.Add(client);
                        }
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Stopped.
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _listener.Stop();
            _accepting.Wait(TimeSpan.FromSeconds(5));
            lock (_held)
            {
                foreach (var client in _held)
                {
                    client.Dispose();
                }
            }
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunAsync(args, static _ => null, output, error, TextReader.Null, color: false, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
