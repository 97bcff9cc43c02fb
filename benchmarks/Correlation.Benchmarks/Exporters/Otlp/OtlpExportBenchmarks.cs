using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using Correlation.Exporters.Otlp;
using OpenTelemetry;
using Theirs = OpenTelemetry.Exporter;

namespace Correlation.Benchmarks.Exporters.Otlp;

/// <summary>
/// One batch of 512 ended spans (6 attributes of 4 types, one event each) turned into an OTLP/HTTP request. The
/// first two rows only serialise (protobuf, JSON) into the exporter's pooled buffer; the last two send a whole export
/// through an <see cref="HttpClient"/> whose handler answers 200 at once without touching the network, ours and
/// OpenTelemetry .NET's <c>OtlpTraceExporter</c> (http/protobuf), on the same Activities. OpenTelemetry .NET has no
/// JSON exporter, so JSON has no counterpart.
/// </summary>
[MemoryDiagnoser]
public class OtlpExportBenchmarks
{
    private const int BatchSize = 512;

    private readonly Activity[] _spans = new Activity[BatchSize];
    private ActivitySource _source = null!;
    private ActivityListener _listener = null!;
    private OtlpHttpExporter _protobuf = null!;
    private OtlpHttpExporter _json = null!;
    private OtlpHttpExporter _ourExport = null!;
    private Theirs.OtlpTraceExporter _theirExport = null!;

    /// <summary>Creates the spans and the exporters.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Correlation.Benchmarks.Otlp", "1.0.0");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        for (var i = 0; i < BatchSize; i++)
        {
            var span = _source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
            span.SetTag("http.request.method", "GET");
            span.SetTag("url.path", "/orders/" + i);
            span.SetTag("http.response.status_code", 200);
            span.SetTag("server.port", 8080L);
            span.SetTag("cache.hit", (i & 1) == 0);
            span.SetTag("load", 0.5);
            span.AddEvent(new ActivityEvent("request.received"));
            span.Stop();
            _spans[i] = span;
        }

        var endpoint = new Uri("http://127.0.0.1:4318/v1/traces");
        _protobuf = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null) { TracesEndpoint = endpoint, HttpMessageHandler = new DiscardingHandler() });
        _json = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null) { TracesEndpoint = endpoint, Protocol = OtlpExportProtocol.HttpJson, HttpMessageHandler = new DiscardingHandler() });
        _ourExport = new OtlpHttpExporter(new OtlpExporterOptions(static _ => null) { TracesEndpoint = endpoint, HttpMessageHandler = new DiscardingHandler() });
        var handler = new DiscardingHandler();
        _theirExport = new Theirs.OtlpTraceExporter(new Theirs.OtlpExporterOptions
        {
            Endpoint = endpoint,
            Protocol = Theirs.OtlpExportProtocol.HttpProtobuf,
            HttpClientFactory = () => new HttpClient(handler, disposeHandler: false),
        });

        // Both must really export, or the comparison measures a failure path.
        if (Export_protobuf_discarding() != Correlation.Trace.Exporting.ExportResult.Success ||
            OpenTelemetry_export_protobuf_discarding() != OpenTelemetry.ExportResult.Success)
        {
            throw new InvalidOperationException("An exporter did not export the batch.");
        }
    }

    /// <summary>
    /// The rows in alternating rounds in one process (<c>--interleaved-otlp</c>): OpenTelemetry's whole export is the
    /// baseline; times are per 512-span batch.
    /// </summary>
    public static void RunInterleaved()
    {
        var bench = new OtlpExportBenchmarks();
        bench.Setup();
        try
        {
            InterleavedRunner.Run("OTLP http/protobuf, one 512-span batch (ns per batch)", [
                ("OpenTelemetry, whole export", () => bench.OpenTelemetry_export_protobuf_discarding()),
                ("ours, whole export", () => bench.Export_protobuf_discarding()),
                ("ours, serialise protobuf", () => bench.Serialize_protobuf()),
                ("ours, serialise JSON", () => bench.Serialize_json()),
            ], rounds: 101, callsPerBatch: 20);
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>Releases the exporters and the source.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _protobuf.Dispose();
        _json.Dispose();
        _ourExport.Dispose();
        _theirExport.Dispose();
        _listener.Dispose();
        _source.Dispose();
    }

    /// <summary>Ours: the batch serialised to OTLP protobuf.</summary>
    [Benchmark]
    public int Serialize_protobuf() => _protobuf.SerializeForTest(_spans).Length;

    /// <summary>Ours: the batch serialised to OTLP JSON.</summary>
    [Benchmark]
    public int Serialize_json() => _json.SerializeForTest(_spans).Length;

    /// <summary>Ours: a whole http/protobuf export into a handler that discards it.</summary>
    [Benchmark]
    public Correlation.Trace.Exporting.ExportResult Export_protobuf_discarding() => _ourExport.Export(_spans);

    /// <summary>OpenTelemetry .NET's OTLP exporter: a whole http/protobuf export into a handler that discards it.</summary>
    [Benchmark(Baseline = true)]
    public OpenTelemetry.ExportResult OpenTelemetry_export_protobuf_discarding() => _theirExport.Export(new Batch<Activity>(_spans, BatchSize));

    /// <summary>
    /// Copies the request body to <see cref="Stream.Null"/> (so content written lazily is written) and answers 200 with
    /// an empty body: only the client side is measured, no socket.
    /// </summary>
    private sealed class DiscardingHandler : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Content?.CopyTo(Stream.Null, null, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Array.Empty<byte>()), RequestMessage = request };
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Array.Empty<byte>()), RequestMessage = request };
        }
    }
}
