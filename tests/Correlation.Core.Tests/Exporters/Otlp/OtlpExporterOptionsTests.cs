using Correlation.Exporters.Otlp;

namespace Correlation.Core.Tests.Exporters.Otlp;

public class OtlpExporterOptionsTests
{
    private static OtlpExporterOptions FromEnvironment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return new OtlpExporterOptions(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void Defaults_follow_the_specification()
    {
        var options = FromEnvironment();
        Assert.Equal(new Uri("http://localhost:4318/v1/traces"), options.ResolvedTracesEndpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal(OtlpCompression.None, options.Compression);
        Assert.Equal(10000, options.TimeoutMilliseconds);
        Assert.Empty(options.Headers);
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1/traces")]
    [InlineData("https://gateway.example/otlp", "https://gateway.example/otlp/v1/traces")]
    [InlineData("https://gateway.example/otlp/", "https://gateway.example/otlp/v1/traces")]
    [InlineData("http://collector:4318//", "http://collector:4318/v1/traces")]
    [InlineData("https://gateway.example/otlp//", "https://gateway.example/otlp/v1/traces")]
    [InlineData("https://gateway.example/otlp?tenant=a", "https://gateway.example/otlp/v1/traces?tenant=a")]
    [InlineData("https://gateway.example?tenant=a", "https://gateway.example/v1/traces?tenant=a")]
    public void General_endpoint_gets_the_signal_path_joined_with_one_slash(string endpoint, string expected)
        => Assert.Equal(new Uri(expected), FromEnvironment(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)).ResolvedTracesEndpoint);

    [Fact]
    public void Traces_endpoint_is_used_as_is_and_beats_the_general_one()
    {
        var options = FromEnvironment(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318"), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/custom"));
        Assert.Equal(new Uri("http://traces:9999/custom"), options.ResolvedTracesEndpoint);
    }

    [Fact]
    public void Endpoint_set_in_code_beats_the_environment()
    {
        var options = FromEnvironment(("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:9999/custom"));
        options.Endpoint = new Uri("http://code:4318");
        Assert.Equal(new Uri("http://code:4318/v1/traces"), options.ResolvedTracesEndpoint);
    }

    [Fact]
    public void Per_signal_variables_beat_the_general_ones()
    {
        var options = FromEnvironment(
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "none"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "general=1"),
            ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=secret"));

        Assert.Equal(OtlpExportProtocol.HttpJson, options.Protocol);
        Assert.Equal(OtlpCompression.Gzip, options.Compression);
        Assert.Equal(2500, options.TimeoutMilliseconds);
        Assert.Equal(new Dictionary<string, string> { ["api-key"] = "secret" }, options.Headers);
    }

    [Fact]
    public void Headers_are_percent_decoded_after_splitting()
    {
        var options = FromEnvironment(("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Basic%20dXNlcjpwYXNz,x-list=a%2Cb ,  x-eq = a%3Db"));
        Assert.Equal("Basic dXNlcjpwYXNz", options.Headers["authorization"]);
        Assert.Equal("a,b", options.Headers["x-list"]);
        Assert.Equal("a=b", options.Headers["x-eq"]);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=%zz")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "novalue")]
    public void A_header_list_that_cannot_be_decoded_is_ignored_whole(string name, string value)
        => Assert.Empty(FromEnvironment((name, value)).Headers);

    [Theory]
    [InlineData("authorization=Bearer%20{0},x-bad=%zz")]
    [InlineData("x-api-key={0},novalue")]
    public void A_bad_header_list_is_reported_by_its_keys_never_its_values(string template)
    {
        using var events = new Support.CorrelationEvents();
        var secret = "s3cr3t" + Guid.NewGuid().ToString("N");

        Assert.Empty(FromEnvironment(("OTEL_EXPORTER_OTLP_HEADERS", string.Format(System.Globalization.CultureInfo.InvariantCulture, template, secret))).Headers);

        // Header values are credentials (API keys, bearer tokens): self-diagnostics end up in traces and files.
        var reports = events.Messages.Where(m => m.Contains("OTEL_EXPORTER_OTLP_HEADERS", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(reports);
        Assert.DoesNotContain(reports, m => m.Contains(secret, StringComparison.Ordinal));
        Assert.Contains(reports, m => m.Contains(template[..template.IndexOf('=')], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "soon")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "-5")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "0")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")]
    [InlineData("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318")]
    public void Invalid_values_fall_back_to_the_default(string name, string value)
    {
        var options = FromEnvironment((name, value));
        Assert.Equal(new Uri("http://localhost:4318/v1/traces"), options.ResolvedTracesEndpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal(OtlpCompression.None, options.Compression);
        Assert.Equal(10000, options.TimeoutMilliseconds);
    }

    [Fact]
    public void An_invalid_per_signal_value_is_treated_as_unset_so_the_general_one_applies()
    {
        // OpenTelemetry's environment rules: a value that cannot be parsed is warned about and treated as not set, and
        // an unset per-signal variable leaves the general one in force (here: its credentials and its timeout).
        var options = FromEnvironment(
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            ("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "brotli"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "soon"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc"),
            ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-bad=%zz"));

        Assert.Equal(OtlpExportProtocol.HttpJson, options.Protocol);
        Assert.Equal(OtlpCompression.Gzip, options.Compression);
        Assert.Equal(2500, options.TimeoutMilliseconds);
        Assert.Equal(new Dictionary<string, string> { ["authorization"] = "Bearer abc" }, options.Headers);
    }

    [Fact]
    public void Values_are_case_insensitive_and_trimmed()
    {
        var options = FromEnvironment(("OTEL_EXPORTER_OTLP_PROTOCOL", " HTTP/JSON "), ("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"));
        Assert.Equal(OtlpExportProtocol.HttpJson, options.Protocol);
        Assert.Equal(OtlpCompression.Gzip, options.Compression);
    }

    [Theory]
    [InlineData("café")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007Fb")]
    public void A_header_value_HTTP_cannot_carry_throws_while_configuring_not_on_every_export(string value)
    {
        var options = FromEnvironment();
        options.Headers["x-note"] = value;
        Assert.Throws<ArgumentException>(() => new OtlpHttpExporter(options));
    }

    [Fact]
    public void Configuration_in_code_throws_on_bad_values()
    {
        var options = FromEnvironment();
        Assert.Throws<ArgumentException>(() => options.Endpoint = new Uri("ftp://x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.TimeoutMilliseconds = 0);
        options.Headers["bad header"] = "x";
        Assert.Throws<ArgumentException>(() => new OtlpHttpExporter(options));
    }
}
