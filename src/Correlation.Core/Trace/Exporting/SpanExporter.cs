using System.Diagnostics;

namespace Correlation.Trace.Exporting;

/// <summary>
/// The base of every span exporter (in-memory, console, OTLP). The SDK calls <see cref="Export"/> from one thread at a
/// time (the batch worker, or the ending thread for a simple processor) with finished, sampled spans. An exporter
/// must not throw; if it does, the SDK catches it, reports it and counts the batch as failed. While the SDK calls an
/// exporter, the tracer provider samples nothing on that thread and in the work it starts (an HTTP request of the
/// exporter does not become a span that the next export sends).
/// </summary>
public abstract class SpanExporter : IDisposable
{
    private int _shutdown;

    /// <summary>The resource of the provider this exporter belongs to; set by the SDK before the first export.</summary>
    public Resource Resource { get; internal set; } = Resource.Default;

    /// <summary>
    /// The span limits of the provider this exporter belongs to (set by the SDK with <see cref="Resource"/>), so that an
    /// exporter that bounds what it writes keeps what the provider kept; <see langword="null"/> outside a provider.
    /// </summary>
    internal SpanLimits? ProviderLimits { get; set; }

    /// <summary>Exports a batch of finished spans. The batch is only valid during the call.</summary>
    /// <param name="batch">The spans.</param>
    /// <returns>Whether the batch was delivered.</returns>
    public abstract ExportResult Export(ReadOnlySpan<Activity> batch);

    /// <summary>Delivers anything the exporter buffers. The default does nothing and returns <see langword="true"/>.</summary>
    /// <param name="timeoutMilliseconds">The time allowed; <see cref="Timeout.Infinite"/> for no limit.</param>
    /// <returns>Whether it finished in time.</returns>
    public virtual bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite) => true;

    /// <summary>Flushes and releases the exporter; runs once, later calls return <see langword="false"/>.</summary>
    /// <param name="timeoutMilliseconds">The time allowed; <see cref="Timeout.Infinite"/> for no limit.</param>
    /// <returns>Whether it finished in time.</returns>
    public bool Shutdown(int timeoutMilliseconds = Timeout.Infinite)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return false;
        }

        try
        {
            return OnShutdown(timeoutMilliseconds);
        }
        catch (Exception ex)
        {
            Diagnostics.CorrelationEventSource.Log.Swallowed(GetType().Name + ".Shutdown", ex);
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called once by <see cref="Shutdown"/>. The default flushes.</summary>
    /// <param name="timeoutMilliseconds">The time allowed.</param>
    /// <returns>Whether it finished in time.</returns>
    protected virtual bool OnShutdown(int timeoutMilliseconds) => ForceFlush(timeoutMilliseconds);

    /// <summary>Releases resources; the default shuts the exporter down.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Shutdown(5000);
        }
    }
}
