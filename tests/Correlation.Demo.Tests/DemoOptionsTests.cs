namespace Correlation.Demo.Tests;

public sealed class DemoOptionsTests
{
    [Fact]
    public void No_option_means_the_terminal_view_only()
    {
        var options = DemoOptions.Parse([], static _ => null);

        Assert.Null(options.OtlpEndpoint);
        Assert.False(options.Dashboard);
        Assert.Equal(0, options.Port);
        Assert.Null(options.Color);
    }

    [Fact]
    public void The_environment_endpoint_is_used_when_no_option_names_one()
    {
        var options = DemoOptions.Parse([], name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4318" : null);

        Assert.Equal(new Uri("http://collector:4318"), options.OtlpEndpoint);
    }

    [Fact]
    public void The_option_beats_the_environment_and_the_dashboard_ignores_it()
    {
        Func<string, string?> environment = name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4318" : null;

        Assert.Equal(new Uri("http://127.0.0.1:4318"), DemoOptions.Parse(["--otlp", "http://127.0.0.1:4318"], environment).OtlpEndpoint);
        Assert.Null(DemoOptions.Parse(["--dashboard"], environment).OtlpEndpoint);
    }

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--otlp", "localhost:4318")]
    [InlineData("--otlp", "http://127.0.0.1:4318/v1/traces")]
    [InlineData("--otlp", "http://127.0.0.1:4318/otlp/v1/logs/")]
    [InlineData("--dashboard-port", "0")]
    [InlineData("--port")]
    [InlineData("--dashboard", "--otlp", "http://127.0.0.1:4318")]
    [InlineData("--dashboard-port", "18888")]
    [InlineData("--otlp", "http://127.0.0.1:4318", "--dashboard-path", "/opt/aspire/Aspire.Dashboard")]
    public void Wrong_command_lines_are_usage_errors(params string[] args)
    {
        var ex = Assert.Throws<DemoException>(() => DemoOptions.Parse(args, static _ => null));

        Assert.Equal(DemoExitCodes.Usage, ex.ExitCode);
    }

    [Fact]
    public void A_signal_path_is_refused_with_the_base_endpoint_to_use()
    {
        var ex = Assert.Throws<DemoException>(() => DemoOptions.Parse(["--otlp", "http://127.0.0.1:4318/otlp/v1/traces"], static _ => null));

        Assert.Contains("use http://127.0.0.1:4318/otlp ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_path_keeps_its_last_segment()
    {
        var options = DemoOptions.Parse(["--otlp", "http://127.0.0.1:4318/otlp"], static _ => null);

        Assert.Equal(new Uri("http://127.0.0.1:4318/otlp/v1/logs"), new Uri(options.OtlpEndpoint!, "v1/logs"));
    }
}
