using System.Globalization;

namespace Correlation.Demo;

/// <summary>The demo's command line.</summary>
internal sealed class DemoOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Correlation demo: an order service whose logs (Serilog, NLog, Microsoft.Extensions.Logging) all point at their traces.

        usage: dotnet run --project samples/Correlation.Demo [-- options]

          (no option)              run the scenario and print each trace as a waterfall with its log lines
          --otlp <endpoint>        also export spans and logs over OTLP/HTTP to <endpoint> (e.g. http://localhost:4318);
                                   OTEL_EXPORTER_OTLP_ENDPOINT does the same when no option is given
          --dashboard              start the Aspire Dashboard (from its NuGet package), export to it and print its URL;
                                   it runs until Enter or Ctrl+C (at once when standard input is at its end)
          --dashboard-port <n>     with --dashboard: its web port (default: a free one)
          --dashboard-path <file>  with --dashboard: another Aspire Dashboard executable (the bundled one is linux-x64)
          --port <n>               the order service's port on 127.0.0.1 (default: a free one)
          --color / --no-color     force colours on or off (default: on for a terminal, off when redirected or NO_COLOR is set)
          -h, --help               this text

        exit codes: 0 done, 1 unexpected failure, 2 bad command line, 3 port in use, 4 backend cannot start or be reached or take the exports, 130 interrupted
        """;

    /// <summary>The order service's port; 0 picks a free one.</summary>
    public int Port { get; private set; }

    /// <summary>The OTLP/HTTP base endpoint, or null.</summary>
    public Uri? OtlpEndpoint { get; private set; }

    /// <summary>Where <see cref="OtlpEndpoint"/> came from (<c>--otlp</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), for messages; null without one.</summary>
    public string? OtlpEndpointSource { get; private set; }

    /// <summary>Whether to start the Aspire Dashboard.</summary>
    public bool Dashboard { get; private set; }

    /// <summary>The dashboard's web port; null picks a free one.</summary>
    public int? DashboardPort { get; private set; }

    /// <summary>Another dashboard executable, or null for the bundled one.</summary>
    public string? DashboardPath { get; private set; }

    /// <summary>Forced colour choice, or null to detect.</summary>
    public bool? Color { get; private set; }

    /// <summary>Whether to print the usage and stop.</summary>
    public bool ShowHelp { get; private set; }

    /// <summary>Parses the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The options.</returns>
    /// <exception cref="DemoException">An argument is wrong (exit code <see cref="DemoExitCodes.Usage"/>).</exception>
    public static DemoOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    options.ShowHelp = true;
                    break;
                case "--otlp":
                    options.OtlpEndpoint = ParseEndpoint(Value(args, ref i), "--otlp");
                    options.OtlpEndpointSource = "--otlp";
                    break;
                case "--dashboard":
                    options.Dashboard = true;
                    break;
                case "--dashboard-port":
                    options.DashboardPort = ParsePort(Value(args, ref i), "--dashboard-port", allowZero: false);
                    break;
                case "--dashboard-path":
                    options.DashboardPath = Value(args, ref i);
                    break;
                case "--port":
                    options.Port = ParsePort(Value(args, ref i), "--port", allowZero: true);
                    break;
                case "--color":
                    options.Color = true;
                    break;
                case "--no-color":
                    options.Color = false;
                    break;
                default:
                    throw new DemoException(DemoExitCodes.Usage, $"unknown option '{arg}' (see --help)");
            }
        }

        if (options.Dashboard && options.OtlpEndpoint is not null)
        {
            throw new DemoException(DemoExitCodes.Usage, "--otlp and --dashboard exclude each other: --dashboard exports to the dashboard it starts");
        }

        if (!options.Dashboard && (options.DashboardPort is not null || options.DashboardPath is not null))
        {
            throw new DemoException(DemoExitCodes.Usage, $"{(options.DashboardPort is not null ? "--dashboard-port" : "--dashboard-path")} only applies with --dashboard (see --help)");
        }

        if (!options.Dashboard && options.OtlpEndpoint is null && environment("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } fromEnvironment)
        {
            options.OtlpEndpoint = ParseEndpoint(fromEnvironment, "OTEL_EXPORTER_OTLP_ENDPOINT");
            options.OtlpEndpointSource = "OTEL_EXPORTER_OTLP_ENDPOINT";
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new DemoException(DemoExitCodes.Usage, $"{args[i]} needs a value (see --help)");
        }

        return args[++i];
    }

    private static Uri ParseEndpoint(string value, string name)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new DemoException(DemoExitCodes.Usage, $"{name} must be an http:// or https:// URL, e.g. http://localhost:4318 (got '{value}')");
        }

        // A signal's own path would become http://host:4318/v1/traces/v1/logs: the base endpoint is what is asked for.
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1/traces", StringComparison.OrdinalIgnoreCase) || path.EndsWith("/v1/logs", StringComparison.OrdinalIgnoreCase))
        {
            var suggested = uri.GetLeftPart(UriPartial.Authority) + path[..path.LastIndexOf("/v1/", StringComparison.OrdinalIgnoreCase)];
            throw new DemoException(DemoExitCodes.Usage, $"{name} takes the base endpoint, the demo adds /v1/traces and /v1/logs: use {suggested} (got '{value}')");
        }

        // A base path (http://host:4318/otlp) keeps its last segment when v1/logs is resolved against it.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
    }

    private static int ParsePort(string value, string name, bool allowZero)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw new DemoException(DemoExitCodes.Usage, $"{name} must be a port number{(allowZero ? " (0: a free one)" : string.Empty)} (got '{value}')");
        }

        return port;
    }
}
