using NLogLogger = NLog.Logger;
using SerilogLogger = Serilog.ILogger;
using SerilogCoreLogger = Serilog.Core.Logger;
using SerilogConstants = Serilog.Core.Constants;
using NLogFactory = NLog.LogFactory;
using NLogLevel = NLog.LogLevel;
using System.Collections.Concurrent;
using System.Diagnostics;
using Correlation.Demo.Logging;
using Microsoft.Extensions.Logging;
using NLog;
using NLog.Layouts;
using OpenTelemetry.Exporter;
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
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
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

        _listener = new ActivityListener
        {
            ShouldListenTo = static source => Array.IndexOf(DemoTelemetry.RecordedSources, source.Name) >= 0,
            Sample = static (ref ActivityCreationOptions<ActivityContext> options) => ExportersOwnRequest(options.Source.Name, options.Parent)
                ? ActivitySamplingResult.None
                : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);

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
                options.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = DemoTelemetry.ServiceName };
                options.BatchingOptions.BufferingTimeLimit = TimeSpan.FromMilliseconds(200);
            });
        }

        _serilog = serilog.CreateLogger();
        InventoryLogger = _serilog.ForContext(SerilogConstants.SourceContextPropertyName, "Inventory");

        _nlog = new NLogFactory();
        _nlog.Setup().RegisterCorrelation();
        if (otlpEndpoint is not null)
        {
            _nlogOtlp = new NLogOtlpTarget(new Uri(otlpEndpoint, "v1/logs"), DemoTelemetry.ServiceName);
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

    /// <summary>How many NLog records the OTLP receiver accepted (the other frameworks' exporters do not tell).</summary>
    public int NLogRecordsExported => _nlogOtlp?.Exported ?? 0;

    /// <summary>The last NLog export error, if any.</summary>
    public string? NLogExportError => _nlogOtlp?.LastError;

    /// <summary>Sets up Microsoft.Extensions.Logging for the order service.</summary>
    /// <param name="logging">The web application's logging builder.</param>
    public void ConfigureOrderServiceLogging(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddProvider(new MelCaptureProvider(Capture));
        if (_otlpEndpoint is not null)
        {
            var endpoint = new Uri(_otlpEndpoint, "v1/logs");
            logging.AddOpenTelemetry(options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
                options.SetResourceBuilder(OtelResourceBuilderExtensions.AddService(OtelResourceBuilder.CreateEmpty(), DemoTelemetry.ServiceName));
                options.AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
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
            _listener.Dispose();
        }

        return [.. _spans];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Shutdown();
        _nlog.Dispose();
        _nlogOtlp?.Dispose();
    }

    // An exporter's own HTTP request (Serilog's OTLP sink, OpenTelemetry's log exporter, the span exporter) starts an
    // HttpClient span with no parent; recording it would add a trace per export to the view and the backend.
    private static bool ExportersOwnRequest(string source, ActivityContext parent) =>
        source == "System.Net.Http" && parent == default;
}
