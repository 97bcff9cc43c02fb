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
    public async Task A_dashboard_that_cannot_start_ends_the_demo_with_exit_code_4()
    {
        var notAnExecutable = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "Aspire.Dashboard");

        var (code, _, error) = await RunAsync("--dashboard", "--dashboard-path", notAnExecutable);

        Assert.Equal(DemoExitCodes.BackendUnavailable, code);
        Assert.Contains("the Aspire Dashboard was not found at " + notAnExecutable, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_option_ends_the_demo_with_exit_code_2()
    {
        var (code, _, error) = await RunAsync("--colour");

        Assert.Equal(DemoExitCodes.Usage, code);
        Assert.Contains("unknown option '--colour'", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunAsync(args, static _ => null, output, error, TextReader.Null, color: false, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
