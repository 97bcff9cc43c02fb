using System.Diagnostics.Tracing;
using System.Globalization;

namespace Correlation.Demo.Scenario;

/// <summary>
/// Watches the four OTLP exports, so the demo says whether the endpoint took the telemetry rather than assuming it.
/// The three log exporters (Serilog's sink, OpenTelemetry's for MEL, the demo's NLog target) send through its HTTP
/// handlers, which record every failed request and give each up after <see cref="RequestTimeout"/> (an endpoint that
/// accepts connections but never answers would otherwise hold Serilog's sink 100 s per request, retried for ten
/// minutes); Correlation's span exporter reports its failures on the <c>Correlation</c> EventSource, read here.
/// </summary>
internal sealed class OtlpExportWatch : EventListener
{
    /// <summary>How long one export request may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // Initialized before the EventListener constructor, which may already report the Correlation source.
    private readonly object _gate = new();
    private int _failures;
    private string? _firstFailure;

    /// <summary>How many exports failed.</summary>
    public int Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures;
            }
        }
    }

    /// <summary>What went wrong first, or null.</summary>
    public string? FirstFailure
    {
        get
        {
            lock (_gate)
            {
                return _firstFailure;
            }
        }
    }

    /// <summary>A new handler (each HTTP client disposes its own).</summary>
    /// <param name="exporter">Who sends through it, named in a failure.</param>
    /// <returns>The handler.</returns>
    public HttpMessageHandler CreateHandler(string exporter) => new WatchingHandler(this, exporter);

    /// <summary>A new HTTP client over a new handler; the handler bounds each request.</summary>
    /// <param name="exporter">Who sends through it, named in a failure.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateClient(string exporter) => new(CreateHandler(exporter)) { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Correlation")
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // ExportFailed(exporter, reason), written by OtlpHttpExporter when a batch of spans was not delivered.
        if (eventData.EventName == "ExportFailed" && eventData.Payload is [string exporter, string reason] && exporter == "OtlpHttpExporter")
        {
            Record("spans", reason);
        }
    }

    private void Record(string exporter, string failure)
    {
        lock (_gate)
        {
            _failures++;
            _firstFailure ??= exporter + ": " + failure;
        }
    }

    private sealed class WatchingHandler(OtlpExportWatch watch, string exporter) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                return Check(await base.SendAsync(request, timeout.Token).ConfigureAwait(false));
            }
            catch (Exception ex) when (Failed(ex, cancellationToken))
            {
                throw;
            }
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                return Check(base.Send(request, timeout.Token));
            }
            catch (Exception ex) when (Failed(ex, cancellationToken))
            {
                throw;
            }
        }

        private HttpResponseMessage Check(HttpResponseMessage response)
        {
            if (!response.IsSuccessStatusCode)
            {
                watch.Record(exporter, string.Create(CultureInfo.InvariantCulture, $"the endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            return response;
        }

        // Records the failure and lets the exception go on (an exception filter that returns false).
        private bool Failed(Exception ex, CancellationToken callerToken)
        {
            watch.Record(exporter, ex is OperationCanceledException && !callerToken.IsCancellationRequested
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {RequestTimeout.TotalSeconds:0} s")
                : ex.Message);
            return false;
        }
    }
}
