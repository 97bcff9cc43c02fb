using NLogLogger = NLog.Logger;
using SerilogLogger = Serilog.ILogger;
using SerilogCoreLogger = Serilog.Core.Logger;
using SerilogConstants = Serilog.Core.Constants;
using NLogFactory = NLog.LogFactory;
using NLogLevel = NLog.LogLevel;
using System.Diagnostics;
using Correlation.Demo.Logging;
using Correlation.Propagation;
using Correlation.Trace;
using Microsoft.Extensions.Logging;
using NLog;
using NLog.Layouts;
using OtelOtlpExportProtocol = OpenTelemetry.Exporter.OtlpExportProtocol;
using OpenTelemetry.Logs;
using Serilog;
using Serilog.Sinks.OpenTelemetry;
using OtelResourceBuilder = OpenTelemetry.Resources.ResourceBuilder;
using OtelResourceBuilderExtensions = OpenTelemetry.Resources.ResourceBuilderExtensions;

namespace Correlation.Demo.Scenario;

/// <summary>
/// Everything the demo sets up as a user of Correlation would: span recording, and the three logging frameworks each
/// with Correlation's adapter (Serilog <c>.Enrich.WithTraceContext()</c>, NLog <c>RegisterCorrelation()</c> with
/// <c>${trace-id}</c>/<c>${span-id}</c>, Microsoft.Extensions.Logging), each writing JSON that the demo reads back, and,
/// with an OTLP endpoint, each exporting to it.
/// </summary>
internal sealed class TelemetryPipeline : IDisposable
{
    private readonly List<Activity> _spans = [];
    private TracerProvider? _tracing;
    private readonly SerilogCoreLogger _serilog;
    private readonly NLogFactory _nlog;
    private readonly NLogOtlpTarget? _nlogOtlp;
    private readonly Uri? _otlpEndpoint;
    private bool _shutDown;

    /// <summary>Builds the pipeline.</summary>
    /// <param name="otlpEndpoint">The OTLP/HTTP base endpoint, or null for the terminal view only.</param>
    public TelemetryPipeline(Uri? otlpEndpoint)
    {
        _otlpEndpoint = otlpEndpoint;

        // W3C trace context and baggage on every HttpClient request and ASP.NET Core request (Correlation.Propagation).
        CorrelationPropagator.Install();

        var serilog = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithTraceContext(options => options.IncludeBaggage(DemoFields.Tenant))
            .WriteTo.Sink(new SerilogCaptureSink(Capture));
        if (otlpEndpoint is not null)
        {
            serilog.WriteTo.OpenTelemetry(options =>
            {
                options.Endpoint = new Uri(otlpEndpoint, "v1/logs").ToString();
                options.Protocol = OtlpProtocol.HttpProtobuf;
                options.HttpMessageHandler = ExportWatch.CreateHandler(LogFrameworks.Serilog);
                options.ResourceAttributes = new Dictionary<string, object>
                {
                    ["service.name"] = DemoTelemetry.ServiceName,
                    ["service.instance.id"] = DemoTelemetry.InstanceId,
                };
                options.BatchingOptions.BufferingTimeLimit = TimeSpan.FromMilliseconds(200);
            });
        }

        _serilog = serilog.CreateLogger();
        InventoryLogger = _serilog.ForContext(SerilogConstants.SourceContextPropertyName, "Inventory");

        _nlog = new NLogFactory();
        _nlog.Setup().RegisterCorrelation();
        if (otlpEndpoint is not null)
        {
            _nlogOtlp = new NLogOtlpTarget(new Uri(otlpEndpoint, "v1/logs"), DemoTelemetry.ServiceName, DemoTelemetry.InstanceId, ExportWatch.CreateClient(LogFrameworks.NLog));
        }

        _nlog.Setup().LoadConfiguration(config =>
        {
            var capture = new NLogCaptureTarget(Capture)
            {
                Layout = new JsonLayout
                {
                    Attributes =
                    {
                        new JsonAttribute("time", "${date:universalTime=true:format=o}"),
                        new JsonAttribute("level", "${level}"),
                        new JsonAttribute("logger", "${logger}"),
                        new JsonAttribute("message", "${message}"),
                        new JsonAttribute(DemoFields.TraceId, "${trace-id}"),
                        new JsonAttribute(DemoFields.SpanId, "${span-id}"),
                        new JsonAttribute(DemoFields.Tenant, "${baggage:item=" + DemoFields.Tenant + "}"),
                    },
                },
            };
            config.ForLogger().FilterMinLevel(NLogLevel.Info).WriteTo(capture);
            if (_nlogOtlp is not null)
            {
                config.ForLogger().FilterMinLevel(NLogLevel.Info).WriteTo(_nlogOtlp);
            }
        });
        WorkerLogger = _nlog.GetLogger("Fulfillment.Worker");
    }

    /// <summary>Every JSON line the three frameworks wrote.</summary>
    public LogCapture Capture { get; } = new();

    /// <summary>The inventory's Serilog logger.</summary>
    public SerilogLogger InventoryLogger { get; }

    /// <summary>The worker's NLog logger.</summary>
    public NLogLogger WorkerLogger { get; }

    /// <summary>What became of the OTLP exports (nothing to watch without an endpoint).</summary>
    public OtlpExportWatch ExportWatch { get; } = new();

    /// <summary>
    /// Starts recording spans (Correlation's SDK, and the OTLP exporter when there is an endpoint). Called after the
    /// service's warm-up request, so the first trace shows the story rather than the JIT.
    /// </summary>
    public void StartTracing()
    {
        if (_tracing is null)
        {
            var tracing = TracerProvider.CreateBuilder()
                .AddSource(DemoTelemetry.RecordedSources)
                .SetSampler(new DemoSampler())
                .ConfigureResource(resource => resource.AddService(DemoTelemetry.ServiceName).AddAttribute("service.instance.id", DemoTelemetry.InstanceId))
                .AddInMemoryExporter(_spans);
            if (_otlpEndpoint is not null)
            {
                tracing.AddOtlpExporter(
                    otlp =>
                    {
                        otlp.Endpoint = _otlpEndpoint;
                        otlp.Protocol = Correlation.Exporters.Otlp.OtlpExportProtocol.HttpProtobuf;
                    },
                    batch => batch.ScheduledDelayMilliseconds = 200);
            }

            _tracing = tracing.Build();
        }
    }

    /// <summary>Sets up Microsoft.Extensions.Logging for the order service.</summary>
    /// <param name="logging">The web application's logging builder.</param>
    public void ConfigureOrderServiceLogging(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddTraceCorrelation(options => options.Context.IncludeBaggage(DemoFields.Tenant));
        logging.AddProvider(new MelCaptureProvider(Capture));
        if (_otlpEndpoint is not null)
        {
            var endpoint = new Uri(_otlpEndpoint, "v1/logs");
            logging.AddOpenTelemetry(options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
                options.SetResourceBuilder(OtelResourceBuilderExtensions.AddService(
                    OtelResourceBuilder.CreateEmpty(), DemoTelemetry.ServiceName, serviceInstanceId: DemoTelemetry.InstanceId, autoGenerateServiceInstanceId: false));
                options.AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = OtelOtlpExportProtocol.HttpProtobuf;
                    exporter.HttpClientFactory = () => ExportWatch.CreateClient(LogFrameworks.Mel);
                });
            });
        }
    }

    /// <summary>Flushes and closes every logger and the span recording; what was recorded stays readable.</summary>
    /// <returns>The finished spans.</returns>
    public IReadOnlyList<Activity> Shutdown()
    {
        if (!_shutDown)
        {
            _shutDown = true;
            _serilog.Dispose();
            _nlog.Flush(TimeSpan.FromSeconds(10));
            _nlog.Shutdown();
            _tracing?.Shutdown(10_000);
        }

        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Shutdown();
        _nlog.Dispose();
        _nlogOtlp?.Dispose();
        _tracing?.Dispose();
        ExportWatch.Dispose();
    }
}
