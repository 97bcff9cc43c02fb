using Correlation.Configuration;
using Correlation.Diagnostics;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Settings of the <see cref="OtlpHttpExporter"/>. A new instance starts from the environment
/// (<c>OTEL_EXPORTER_OTLP_*</c>, the per-signal <c>OTEL_EXPORTER_OTLP_TRACES_*</c> beating the general ones);
/// whatever code sets afterwards wins. Invalid environment values are reported and replaced by the default.
/// </summary>
public sealed class OtlpExporterOptions
{
    /// <summary>The default base endpoint, <c>http://localhost:4318</c>.</summary>
    public static readonly Uri DefaultEndpoint = new("http://localhost:4318");

    /// <summary>The default export timeout, 10 seconds.</summary>
    public const int DefaultTimeoutMilliseconds = 10000;

    private const string TracesPath = "v1/traces";

    private Uri _endpoint = DefaultEndpoint;
    private Uri? _tracesEndpoint;
    private bool _tracesEndpointFromEnvironment;
    private int _timeoutMilliseconds = DefaultTimeoutMilliseconds;

    /// <summary>Creates options from the process environment.</summary>
    public OtlpExporterOptions()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal OtlpExporterOptions(Func<string, string?> environment)
    {
        ReadEnvironment(environment);
    }

    /// <summary>
    /// The base endpoint (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, default <c>http://localhost:4318</c>); spans go to its
    /// <c>v1/traces</c> path, joined with a single <c>/</c>. Setting it in code overrides any traces endpoint taken from
    /// the environment.
    /// </summary>
    public Uri Endpoint
    {
        get => _endpoint;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RequireHttp(value, nameof(Endpoint));
            _endpoint = value;
            if (_tracesEndpointFromEnvironment)
            {
                _tracesEndpoint = null;
                _tracesEndpointFromEnvironment = false;
            }
        }
    }

    /// <summary>
    /// The full URL spans are posted to, used as is (<c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>); when
    /// <see langword="null"/>, <see cref="Endpoint"/> plus <c>v1/traces</c> is used.
    /// </summary>
    public Uri? TracesEndpoint
    {
        get => _tracesEndpoint;
        set
        {
            if (value is not null)
            {
                RequireHttp(value, nameof(TracesEndpoint));
            }

            _tracesEndpoint = value;
            _tracesEndpointFromEnvironment = false;
        }
    }

    /// <summary>The encoding (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>): <c>http/protobuf</c> (default) or <c>http/json</c>.</summary>
    public OtlpExportProtocol Protocol { get; set; }

    /// <summary>The body compression (<c>OTEL_EXPORTER_OTLP_COMPRESSION</c>): <c>none</c> (default) or <c>gzip</c>.</summary>
    public OtlpCompression Compression { get; set; }

    /// <summary>
    /// The time one export may take, retries included (<c>OTEL_EXPORTER_OTLP_TIMEOUT</c>, milliseconds, default 10000).
    /// </summary>
    public int TimeoutMilliseconds
    {
        get => _timeoutMilliseconds;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _timeoutMilliseconds = value;
        }
    }

    /// <summary>
    /// Headers sent with every request (<c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>k=v,k=v</c>, percent-decoded). Values must be
    /// printable ASCII (tabs allowed): an environment entry that is not is reported and left out; in code, the exporter's
    /// constructor throws.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The URL the exporter posts to.</summary>
    internal Uri ResolvedTracesEndpoint => _tracesEndpoint ?? AppendSignalPath(_endpoint);

    /// <summary>Tests and benchmarks put their own handler (a test server's client, a discarding one) here.</summary>
    internal HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>The first retry waits about this long; each next one 1.5 times longer, up to <see cref="MaxBackoff"/>.</summary>
    internal TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    internal TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Limits set by tests; <see langword="null"/>: the provider's span limits, else 128 of each.</summary>
    internal Trace.SpanLimits? Limits { get; set; }

    /// <summary>
    /// The base endpoint's path, its trailing slashes trimmed, plus <c>/v1/traces</c>; a query stays a query (appended to
    /// the whole URL, the path would have landed inside it and the spans posted to the base path).
    /// </summary>
    internal static Uri AppendSignalPath(Uri baseEndpoint)
    {
        var path = baseEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(path + "/" + TracesPath + baseEndpoint.Query);
    }

    private static void RequireHttp(Uri value, string name)
    {
        if (!IsHttp(value))
        {
            throw new ArgumentException("The OTLP endpoint must be an absolute http or https URL.", name);
        }
    }

    private static bool IsHttp(Uri value) =>
        value.IsAbsoluteUri && (value.Scheme == Uri.UriSchemeHttp || value.Scheme == Uri.UriSchemeHttps);

    private delegate bool Parser<T>(string text, out T value);

    /// <summary>
    /// Reads the per-signal variable, else the general one. A set value that does not parse is reported and treated as
    /// unset (OpenTelemetry's environment rules), so the general variable still applies behind a bad per-signal one.
    /// </summary>
    private static bool TryRead<T>(Func<string, string?> environment, string signalName, string generalName, Parser<T> parse, string expected, out T value)
    {
        foreach (var name in new[] { signalName, generalName })
        {
            var text = environment(name);
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (parse(text.Trim(), out value))
            {
                return true;
            }

            CorrelationEventSource.Log.InvalidConfiguration(name, text, expected);
        }

        value = default!;
        return false;
    }

    private static bool TryParseProtocol(string text, out OtlpExportProtocol protocol)
    {
        protocol = OtlpExportProtocol.HttpProtobuf;
        if (string.Equals(text, "http/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        protocol = OtlpExportProtocol.HttpJson;
        return string.Equals(text, "http/json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryParseCompression(string text, out OtlpCompression compression)
    {
        compression = OtlpCompression.Gzip;
        if (string.Equals(text, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        compression = OtlpCompression.None;
        return string.Equals(text, "none", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryParseTimeout(string text, out int milliseconds) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out milliseconds) && milliseconds > 0;

    private void ReadEnvironment(Func<string, string?> environment)
    {
        var traces = environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(traces))
        {
            if (Uri.TryCreate(traces.Trim(), UriKind.Absolute, out var uri) && IsHttp(uri))
            {
                _tracesEndpoint = uri;
                _tracesEndpointFromEnvironment = true;
            }
            else
            {
                CorrelationEventSource.Log.InvalidConfiguration("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces, "not an absolute http(s) URL");
            }
        }

        var general = environment("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(general))
        {
            if (Uri.TryCreate(general.Trim(), UriKind.Absolute, out var uri) && IsHttp(uri))
            {
                _endpoint = uri;
            }
            else
            {
                CorrelationEventSource.Log.InvalidConfiguration("OTEL_EXPORTER_OTLP_ENDPOINT", general, "not an absolute http(s) URL; using " + DefaultEndpoint);
            }
        }

        if (TryRead<OtlpExportProtocol>(environment, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL", TryParseProtocol, "supported: http/protobuf, http/json", out var protocol))
        {
            Protocol = protocol;
        }

        if (TryRead<OtlpCompression>(environment, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION", TryParseCompression, "supported: gzip, none", out var compression))
        {
            Compression = compression;
        }

        if (TryRead<int>(environment, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT", TryParseTimeout, "not a positive number of milliseconds", out var timeout))
        {
            _timeoutMilliseconds = timeout;
        }

        if (!ReadHeaders(environment("OTEL_EXPORTER_OTLP_TRACES_HEADERS"), "OTEL_EXPORTER_OTLP_TRACES_HEADERS"))
        {
            ReadHeaders(environment("OTEL_EXPORTER_OTLP_HEADERS"), "OTEL_EXPORTER_OTLP_HEADERS");
        }
    }

    /// <summary>
    /// Adds the valid headers of one variable. A list that cannot be split and decoded is ignored whole (reported by its
    /// keys: header values are credentials), so that the general variable applies behind it.
    /// </summary>
    /// <returns>Whether the variable is set and decodes, so that it replaces the general one.</returns>
    private bool ReadHeaders(string? headers, string name)
    {
        if (string.IsNullOrWhiteSpace(headers))
        {
            return false;
        }

        if (!KeyValueListParser.TryParse(headers.Trim(), out var pairs, out _))
        {
            // The parser's reason quotes the bad member: header values are credentials, so report the keys only.
            CorrelationEventSource.Log.InvalidConfiguration(
                name, KeysOnly(headers), "a member is not key=value or has an invalid percent-encoding; the variable is ignored");
            return false;
        }

        foreach (var pair in pairs)
        {
            if (!IsToken(pair.Key) || !IsHeaderValue(pair.Value))
            {
                CorrelationEventSource.Log.InvalidConfiguration(name, pair.Key, "not a valid HTTP header (the name a token, the value printable ASCII); it is ignored");
                continue;
            }

            Headers[pair.Key] = pair.Value;
        }

        return true;
    }

    /// <summary>A header list as it may be reported: each member's key, its value replaced by <c>***</c>.</summary>
    private static string KeysOnly(string headers)
    {
        var members = headers.Split(',');
        for (var i = 0; i < members.Length; i++)
        {
            var eq = members[i].IndexOf('=', StringComparison.Ordinal);
            members[i] = eq < 0 ? "***" : members[i][..eq].Trim() + "=***";
        }

        return string.Join(',', members);
    }

    internal static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A value HTTP can carry: visible ASCII, spaces and tabs (RFC 9110 5.5 field-value). SocketsHttpHandler refuses a
    /// non-ASCII value on every request, and a control character is no field-value, so such a header would fail every
    /// export: it is refused while configuring instead.
    /// </summary>
    internal static bool IsHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if ((c < ' ' && c != '\t') || c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
