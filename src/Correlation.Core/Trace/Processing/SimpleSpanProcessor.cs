using System.Diagnostics;
using Correlation.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Trace.Processing;

/// <summary>
/// Exports each sampled span as it ends, on the ending thread (one export at a time). For tests, the console and
/// debugging; use <see cref="BatchSpanProcessor"/> for a network exporter.
/// </summary>
public sealed class SimpleSpanProcessor : SpanProcessor
{
    private readonly SpanExporter _exporter;
    private readonly Lock _exportLock = new();
    private long _dropped;

    /// <summary>Creates the processor.</summary>
    /// <param name="exporter">The exporter it owns (shut down with the processor).</param>
    public SimpleSpanProcessor(SpanExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        _exporter = exporter;
    }

    /// <summary>The number of spans that ended after shutdown or whose export failed.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <inheritdoc/>
    public override void OnEnd(Activity span)
    {
        if (!span.Recorded)
        {
            return;
        }

        if (IsShutdown)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            ExportResult result;
            lock (_exportLock)
            {
                result = _exporter.Export(new ReadOnlySpan<Activity>(ref span));
            }

            if (result != ExportResult.Success)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _dropped);
            CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name + ".Export", ex);
        }
    }

    /// <inheritdoc/>
    protected override bool OnForceFlush(int timeoutMilliseconds) => _exporter.ForceFlush(timeoutMilliseconds);

    /// <inheritdoc/>
    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var dropped = DroppedCount;
        if (dropped > 0)
        {
            CorrelationEventSource.Log.Dropped(nameof(SimpleSpanProcessor), dropped, "export failed or span ended after shutdown");
        }

        return _exporter.Shutdown(timeoutMilliseconds);
    }

    internal override void SetResource(Resource resource) => SetExporterResource(_exporter, resource);
}
