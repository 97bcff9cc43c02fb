using System.Diagnostics;
using Correlation.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Trace.Processing;

/// <summary>
/// Sees every recording span when it starts and ends (spans the sampler dropped never reach a processor). The SDK
/// calls processors in the order they were added, on the thread that starts or ends the span; a processor must be
/// fast, must not block and must not throw (the SDK guards it anyway).
/// </summary>
public abstract class SpanProcessor : IDisposable
{
    private int _shutdown;

    /// <summary>Whether <see cref="Shutdown"/> has been called.</summary>
    protected bool IsShutdown => Volatile.Read(ref _shutdown) != 0;

    /// <summary>Called when a recording span starts. The default does nothing.</summary>
    /// <param name="span">The span.</param>
    public virtual void OnStart(Activity span)
    {
    }

    /// <summary>Called when a recording span ends. The default does nothing.</summary>
    /// <param name="span">The span.</param>
    public virtual void OnEnd(Activity span)
    {
    }

    /// <summary>Exports what the processor holds and flushes its exporter.</summary>
    /// <param name="timeoutMilliseconds">The time allowed; <see cref="Timeout.Infinite"/> for no limit; below -1 is reported and taken as 0.</param>
    /// <returns>Whether it finished in time; never throws.</returns>
    public bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite)
    {
        timeoutMilliseconds = ValidTimeout(timeoutMilliseconds, GetType().Name + ".ForceFlush");
        try
        {
            return OnForceFlush(timeoutMilliseconds);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(GetType().Name + ".ForceFlush", ex);
            return false;
        }
    }

    /// <summary>Flushes and shuts the processor (and its exporter) down; runs once, later calls return <see langword="false"/>.</summary>
    /// <param name="timeoutMilliseconds">The time allowed; <see cref="Timeout.Infinite"/> for no limit; below -1 is reported and taken as 0.</param>
    /// <returns>Whether it finished in time; never throws.</returns>
    public bool Shutdown(int timeoutMilliseconds = Timeout.Infinite)
    {
        timeoutMilliseconds = ValidTimeout(timeoutMilliseconds, GetType().Name + ".Shutdown");
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
            CorrelationEventSource.Log.Swallowed(GetType().Name + ".Shutdown", ex);
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called by <see cref="ForceFlush"/>. The default returns <see langword="true"/>.</summary>
    /// <param name="timeoutMilliseconds">The time allowed.</param>
    /// <returns>Whether it finished in time.</returns>
    protected virtual bool OnForceFlush(int timeoutMilliseconds) => true;

    /// <summary>Called once by <see cref="Shutdown"/>. The default flushes.</summary>
    /// <param name="timeoutMilliseconds">The time allowed.</param>
    /// <returns>Whether it finished in time.</returns>
    protected virtual bool OnShutdown(int timeoutMilliseconds) => OnForceFlush(timeoutMilliseconds);

    /// <summary>Releases resources; the default shuts the processor down (5 seconds at most).</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Shutdown(5000);
        }
    }

    /// <summary>A timeout below <see cref="Timeout.Infinite"/> is a caller's mistake, not worth an exception at exit: 0, reported.</summary>
    internal static int ValidTimeout(int timeoutMilliseconds, string setting)
    {
        if (timeoutMilliseconds >= Timeout.Infinite)
        {
            return timeoutMilliseconds;
        }

        CorrelationEventSource.Log.InvalidConfiguration(setting, timeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "a timeout below -1 (Timeout.Infinite); 0 used");
        return 0;
    }

    /// <summary>Gives the processor's exporter (if any) the provider's resource and span limits.</summary>
    internal virtual void SetProviderSettings(Resource resource, SpanLimits limits)
    {
    }

    /// <summary>Gives an exporter the provider's resource and span limits, once per provider build.</summary>
    internal static void SetExporterSettings(SpanExporter exporter, Resource resource, SpanLimits limits)
    {
        exporter.Resource = resource;
        exporter.ProviderLimits = limits;
    }
}
