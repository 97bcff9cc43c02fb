using System.Diagnostics;
using System.IO.Compression;
using Correlation.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Exports spans over OTLP/HTTP (protobuf or JSON, optionally gzip) to an OpenTelemetry Collector, Jaeger, Tempo, the
/// Aspire Dashboard or any OTLP receiver. Each batch is one request, retried on 429/502/503/504 and connection failures
/// within <see cref="OtlpExporterOptions.TimeoutMilliseconds"/>. It never throws: a batch that cannot be delivered is
/// dropped, counted and reported through the <c>Correlation</c> EventSource. Use it behind a batch processor so that
/// exports run on the processor's worker, never on an application thread.
/// </summary>
public sealed class OtlpHttpExporter : SpanExporter
{
    private const string Component = nameof(OtlpHttpExporter);

    // Outside a provider (no ProviderLimits): 128 of each (shared/SPEC.md 18), whatever the environment says. Under
    // one, its limits, so that a span the SDK kept whole is exported whole even when they allow more than 128.
    private static readonly Trace.SpanLimits s_defaultLimits = new(new Configuration.SdkEnvironment(static _ => null));

    private readonly OtlpExportProtocol _protocol;
    private readonly bool _gzip;
    private readonly Trace.SpanLimits? _fixedLimits;
    private readonly OtlpHttpTransport _transport;
    private readonly OtlpScopeBatch _batch = new();
    private readonly OtlpBuffer _payload = new();
    private readonly OtlpJsonSerializer? _json;
    private readonly object _exportLock = new();
    private MemoryStream? _compressed;
    private long _exported;
    private long _dropped;
    private long _rejected;
    private volatile bool _isShutdown;

    /// <summary>Creates an exporter configured from the environment (<c>OTEL_EXPORTER_OTLP_*</c>).</summary>
    public OtlpHttpExporter()
        : this(new OtlpExporterOptions())
    {
    }

    /// <summary>Creates an exporter with the given options.</summary>
    /// <param name="options">The options; read once, here.</param>
    /// <exception cref="ArgumentException">
    /// A header in <see cref="OtlpExporterOptions.Headers"/> is not a valid HTTP header (its name not a token, or its value not
    /// printable ASCII).
    /// </exception>
    public OtlpHttpExporter(OtlpExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _protocol = options.Protocol;
        _gzip = options.Compression == OtlpCompression.Gzip;
        _fixedLimits = options.Limits;
        _transport = new OtlpHttpTransport(options);
        if (_protocol == OtlpExportProtocol.HttpJson)
        {
            _json = new OtlpJsonSerializer(_payload);
        }
    }

    /// <summary>The URL spans are posted to.</summary>
    public Uri Endpoint => _transport.Uri;

    /// <summary>Spans the backend accepted.</summary>
    internal long ExportedSpans => Interlocked.Read(ref _exported);

    /// <summary>Spans lost: failed or timed-out exports, spans exported after shutdown, spans OTLP cannot represent.</summary>
    internal long DroppedSpans => Interlocked.Read(ref _dropped);

    /// <summary>Spans the backend reported as rejected in a partial success.</summary>
    internal long RejectedSpans => Interlocked.Read(ref _rejected);

    internal long Attempts => _transport.Attempts;

    internal long Retries => _transport.Retries;

    /// <inheritdoc/>
    public override ExportResult Export(ReadOnlySpan<Activity> batch)
    {
        if (batch.IsEmpty)
        {
            return ExportResult.Success;
        }

        if (_isShutdown)
        {
            Drop(batch.Length, "the exporter is shut down");
            return ExportResult.Failure;
        }

        lock (_exportLock)
        {
            try
            {
                _batch.Fill(batch);
                if (_batch.Skipped > 0)
                {
                    Drop(_batch.Skipped, "not W3C ids; OTLP cannot carry them");
                }

                var count = _batch.SpanCount;
                if (count == 0)
                {
                    return ExportResult.Success;
                }

                Serialize();
                var (body, length) = Compress();
                if (!_transport.Send(body, length, out var rejected, out var message, out var failure))
                {
                    Drop(count, failure ?? "failed");
                    CorrelationEventSource.Log.ExportFailed(Component, failure ?? "failed");
                    return ExportResult.Failure;
                }

                // The count comes from the server: keep it within the batch so exported + rejected = sent.
                rejected = Math.Clamp(rejected, 0, count);
                if (rejected > 0)
                {
                    // A partial success is final: the server has decided, so the batch is not sent again (SPEC 22).
                    Interlocked.Add(ref _rejected, rejected);
                    CorrelationEventSource.Log.Dropped(Component, rejected, "partial success: " + (message ?? "rejected by the server"));
                }
                else if (message is not null)
                {
                    // OTLP lets a server warn through partial_success on a request it accepted whole (rejected 0).
                    CorrelationEventSource.Log.Warning(Component, "the backend accepted every span and warns: " + message);
                }

                Interlocked.Add(ref _exported, count - rejected);
                return ExportResult.Success;
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(Component + ".Export", ex);
                Drop(_batch.SpanCount, ex.GetType().Name);
                return ExportResult.Failure;
            }
            finally
            {
                // Do not keep the batch's Activities reachable until the next export.
                _batch.Clear();
            }
        }
    }

    /// <summary>Writes the current batch into the payload buffer in the configured encoding (also used by benchmarks).</summary>
    internal void Serialize()
    {
        var limits = _fixedLimits ?? ProviderLimits ?? s_defaultLimits;
        if (_json is not null)
        {
            _json.Write(_payload, Resource, _batch, limits);
        }
        else
        {
            OtlpProtobufSerializer.Write(_payload, Resource, _batch, limits);
        }
    }

    /// <summary>Encodes <paramref name="batch"/> and returns the bytes (tests and benchmarks).</summary>
    internal ReadOnlySpan<byte> SerializeForTest(ReadOnlySpan<Activity> batch)
    {
        _batch.Fill(batch);
        Serialize();
        _batch.Clear();
        return _payload.WrittenSpan;
    }

    /// <inheritdoc/>
    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        _isShutdown = true;

        // A retry still waiting would otherwise hold the caller's shutdown for up to the export timeout.
        _transport.Cancel(timeoutMilliseconds);
        CorrelationEventSource.Log.Information(
            Component,
            $"shut down: {ExportedSpans} span(s) exported, {DroppedSpans} dropped, {RejectedSpans} rejected by the backend, {Retries} retried request(s)");
        return true;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }

        _transport.Cancel(0);

        // An export still running on another thread owns the buffers; then they are left to the GC, not the pool.
        if (Monitor.TryEnter(_exportLock, TimeSpan.FromSeconds(1)))
        {
            try
            {
                _transport.Dispose();
                _json?.Dispose();
                _payload.Dispose();
                _compressed?.Dispose();
            }
            finally
            {
                Monitor.Exit(_exportLock);
            }
        }
    }

    private (byte[] Body, int Length) Compress()
    {
        if (!_gzip)
        {
            return (_payload.Array, _payload.Length);
        }

        _compressed ??= new MemoryStream(_payload.Length / 4 + 64);
        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(_payload.WrittenSpan);
        }

        return (_compressed.GetBuffer(), (int)_compressed.Length);
    }

    private void Drop(int count, string reason)
    {
        Interlocked.Add(ref _dropped, count);
        CorrelationEventSource.Log.Dropped(Component, count, reason);
    }
}
