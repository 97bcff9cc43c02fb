using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// Posts one encoded request and retries it (shared/SPEC.md 22): on 429, 502, 503, 504 and on connection failures,
/// after the exponential backoff with jitter or the server's <c>Retry-After</c>, whichever is longer, as long as the
/// export timeout allows.
/// Every other status fails at once. Runs synchronously on the caller (the batch worker).
/// </summary>
internal sealed class OtlpHttpTransport : IDisposable
{
    private const double BackoffMultiplier = 1.5;

    /// <summary>The most of a response body ever read: a partial-success answer is small, anything larger is not one.</summary>
    internal const int MaxResponseBodyBytes = 64 * 1024;

    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly MediaTypeHeaderValue _contentType;
    private readonly bool _gzip;
    private readonly bool _json;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _initialBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly CancellationTokenSource _shutdown = new();
    private long _attempts;
    private long _retries;
    private int _disposed;

    public OtlpHttpTransport(OtlpExporterOptions options)
    {
        _uri = options.ResolvedTracesEndpoint;
        _json = options.Protocol == OtlpExportProtocol.HttpJson;
        _contentType = new MediaTypeHeaderValue(_json ? "application/json" : "application/x-protobuf");
        _gzip = options.Compression == OtlpCompression.Gzip;
        _timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        _initialBackoff = options.InitialBackoff;
        _maxBackoff = options.MaxBackoff;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var pair in options.Headers)
        {
            if (!OtlpExporterOptions.IsToken(pair.Key) || pair.Value is null || !OtlpExporterOptions.IsHeaderValue(pair.Value))
            {
                throw new ArgumentException($"'{pair.Key}' is not a valid HTTP header name/value.", nameof(options));
            }

            headers.Add(pair);
        }

        _headers = headers.ToArray();
        var handler = options.HttpMessageHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,

            // A followed 301/302/303 turns the POST into a GET without the body, and the 200 it gets would count the
            // batch as delivered when nothing was: a redirect is a failure that names where the endpoint points.
            AllowAutoRedirect = false,
        };
        _client = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri Uri => _uri;

    /// <summary>Requests sent, first attempts and retries.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Stops waiting: a pending retry or request is abandoned.</summary>
    public void Cancel(int afterMilliseconds)
    {
        try
        {
            if (afterMilliseconds <= 0)
            {
                _shutdown.Cancel();
            }
            else if (afterMilliseconds != Timeout.Infinite)
            {
                _shutdown.CancelAfter(afterMilliseconds);
            }
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: nothing left to cancel.
        }
    }

    /// <summary>Sends the body; returns true when the server accepted it (2xx), with any partial-success report.</summary>
    public bool Send(byte[] body, int length, out long rejected, out string? rejectMessage, out string? failure)
    {
        // The request (and its retries) must not be traced by our own provider: see TracingSuppression.
        using var suppressed = Correlation.Trace.TracingSuppression.Enter();
        rejected = 0;
        rejectMessage = null;
        failure = null;
        var started = Stopwatch.GetTimestamp();
        var token = _shutdown.Token;
        for (var attempt = 0; ; attempt++)
        {
            var remaining = _timeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                failure ??= "timed out";
                failure = "export timeout of " + (int)_timeout.TotalMilliseconds + " ms reached; last error: " + failure;
                return false;
            }

            if (attempt > 0)
            {
                Interlocked.Increment(ref _retries);
            }

            Interlocked.Increment(ref _attempts);
            TimeSpan? retryAfter = null;
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                cts.CancelAfter(remaining);
                using var request = CreateRequest(body, length);
                // Headers only: the body is read by hand, at most MaxResponseBodyBytes, so a backend (or proxy) that
                // answers with a huge or endless body cannot make the exporter buffer it all.
                using var response = _client.Send(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                using var abort = cts.Token.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
                var status = (int)response.StatusCode;
                if (status >= 200 && status < 300)
                {
                    // The server has taken the batch: whatever becomes of the body (it only carries a partial success),
                    // the batch is delivered and never sent again.
                    ReadPartialSuccess(response, cts.Token, out rejected, out rejectMessage);
                    return true;
                }

                // Any other answer is decided by its status alone: its body is not read (the handler drains it).
                failure = "HTTP " + status + " " + response.ReasonPhrase;
                if (status >= 300 && status < 400 && response.Headers.Location is { } location)
                {
                    failure += " to " + location + " (redirects are not followed: set the endpoint to the address it names)";
                }

                if (!IsRetryable(status))
                {
                    failure += " (not retried)";
                    return false;
                }

                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException)
            {
                failure = token.IsCancellationRequested ? "exporter shut down" : "request timed out";
                if (token.IsCancellationRequested)
                {
                    return false;
                }

                continue;
            }
            catch (HttpRequestException ex)
            {
                failure = ex.HttpRequestError + ": " + ex.Message;

                // Only a failure to connect, or a server that hung up without answering, is retried (SPEC 22); anything
                // else (a response that is not HTTP, a protocol error, a body too large) would fail the same way again.
                if (!IsConnectionFailure(ex))
                {
                    failure += " (not retried)";
                    return false;
                }
            }
            catch (IOException ex)
            {
                failure = "I/O: " + ex.Message;
            }
            catch (ObjectDisposedException)
            {
                // The response was disposed by the timeout while its body was being read.
                failure = token.IsCancellationRequested ? "exporter shut down" : "request timed out";
                if (token.IsCancellationRequested)
                {
                    return false;
                }

                continue;
            }

            // Retry-After is the least the server asks for, never less than our own backoff: a server (or proxy) that
            // answers "Retry-After: 0" to every request would otherwise be hammered until the export timeout.
            var backoff = Backoff(attempt);
            var delay = retryAfter is { } asked && asked > backoff ? asked : backoff;
            remaining = _timeout - Stopwatch.GetElapsedTime(started);
            if (delay >= remaining)
            {
                failure += "; the next retry (in " + (int)delay.TotalMilliseconds + " ms) would pass the export timeout";
                return false;
            }

            if (token.WaitHandle.WaitOne(delay))
            {
                failure += "; exporter shut down while waiting to retry";
                return false;
            }
        }
    }

    public void Dispose()
    {
        // The exporter is disposed by its processor and often again by its owner's `using`: the second time is a no-op
        // (Cancel on a disposed CancellationTokenSource throws).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Cancel();
        _client.Dispose();
        _shutdown.Dispose();
    }

    internal static bool IsRetryable(int status) => status is 429 or 502 or 503 or 504;

    /// <summary>
    /// Whether the connection failed: connect, DNS or proxy tunnel, or the server closed it before its answer was whole
    /// (OTLP/HTTP, "All Other Responses": a server that disconnects without returning a response SHOULD be retried with
    /// the same request; a reset was already retried through its SocketException, a clean close is ResponseEnded).
    /// </summary>
    internal static bool IsConnectionFailure(HttpRequestException ex)
    {
        if (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError
            or HttpRequestError.ResponseEnded)
        {
            return true;
        }

        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the partial success of a 2xx answer; a body that is unreadable, breaks off or outlives the timeout is a
    /// full success (the status already said the batch was accepted).
    /// </summary>
    private void ReadPartialSuccess(HttpResponseMessage response, CancellationToken token, out long rejected, out string? message)
    {
        rejected = 0;
        message = null;
        var rented = ArrayPool<byte>.Shared.Rent(MaxResponseBodyBytes);
        try
        {
            var length = ReadBounded(response, rented, token);
            var json = response.Content.Headers.ContentType?.MediaType is { } mediaType
                ? mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
                : _json;
            OtlpExportResponse.TryReadPartialSuccess(rented.AsSpan(0, length), json, out rejected, out message);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            Diagnostics.CorrelationEventSource.Log.Swallowed(nameof(OtlpHttpExporter) + " response body after a 2xx", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Reads at most <paramref name="buffer"/>'s first <see cref="MaxResponseBodyBytes"/> bytes of the body; the rest is left unread.</summary>
    internal static int ReadBounded(HttpResponseMessage response, byte[] buffer, CancellationToken token)
    {
        using var stream = response.Content.ReadAsStream(token);
        var limit = Math.Min(buffer.Length, MaxResponseBodyBytes);
        var total = 0;
        int read;
        while (total < limit && (read = stream.Read(buffer, total, limit - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    internal TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_maxBackoff.TotalMilliseconds, _initialBackoff.TotalMilliseconds * Math.Pow(BackoffMultiplier, attempt));

        // Jitter spreads the retries of many exporters that failed together over [ceiling/2, ceiling].
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private HttpRequestMessage CreateRequest(byte[] body, int length)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri);
        var content = new ByteArrayContent(body, 0, length);
        content.Headers.ContentType = _contentType;
        if (_gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        request.Content = content;
        foreach (var header in _headers)
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return request;
    }
}
