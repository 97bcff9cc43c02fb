using System.Diagnostics;
using Correlation.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Trace.Processing;

/// <summary>
/// Exports each sampled span as it ends, on the ending thread (one export at a time; a span that the exporter's own
/// work ends on that thread during an export is dropped and counted, never exported re-entrantly; one that application
/// code the exporter resumed there ends is exported when the exporter call returns). For tests, the
/// console and debugging; use <see cref="BatchSpanProcessor"/> for a network exporter. With a finite timeout, ForceFlush and
/// Shutdown return within it even if the exporter hangs. ForceFlush and Shutdown wait for an export in progress;
/// Shutdown then shuts the exporter down and disposes it. Called from inside the exporter on the exporting thread, they
/// return <see langword="false"/> at once and are carried out when the exporter call returns.
/// </summary>
public sealed class SimpleSpanProcessor : SpanProcessor
{
    private readonly SpanExporter _exporter;
    private readonly Lock _exportLock = new();
    private long _dropped;
    private const int MaxResumed = 1024;
    private int _reentryReported;

    // Spans of application code that the exporter resumed on the exporting thread during an export (a continuation of a
    // task it completed), exported once that export returns; only touched under the export lock.
    private Queue<Activity>? _resumed;

    // Set, under the export lock, by a ForceFlush or Shutdown called from inside an exporter call; run when it returns.
    private bool _flushDeferred;
    private bool _shutdownDeferred;
    private int _deferredFlushTimeout;
    private int _deferredShutdownTimeout;

    /// <summary>Creates the processor.</summary>
    /// <param name="exporter">The exporter it owns (shut down with the processor).</param>
    public SimpleSpanProcessor(SpanExporter exporter)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        _exporter = exporter;
    }

    /// <summary>The number of spans that ended after shutdown, whose export failed, or that the exporter's own work ended during an export.</summary>
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

        // A span ended on this thread in the middle of an exporter call. Application code that the exporter resumed
        // here (a continuation of a task it completed) runs in the application's context, not the exporter's: its span
        // is exported when that call returns. One that the exporter's own work ended (a traced HTTP call, created by
        // another SDK on the source) is dropped: exporting it would re-enter Export, whose call ends another span, and
        // so on until the stack overflows.
        if (_exportLock.IsHeldByCurrentThread)
        {
            if (!TracingSuppression.IsActive && (_resumed ??= new()).Count < MaxResumed)
            {
                _resumed.Enqueue(span);
                return;
            }

            Interlocked.Increment(ref _dropped);
            if (Interlocked.Exchange(ref _reentryReported, 1) == 0)
            {
                CorrelationEventSource.Log.Warning(nameof(SimpleSpanProcessor), "a span ended inside " + _exporter.GetType().Name + ".Export on the exporting thread (the exporter's own work is traced): dropped and counted, not exported into the export in progress");
            }

            return;
        }

        lock (_exportLock)
        {
            // Shutdown takes this lock before it shuts the exporter down: a span that got past the check above
            // while it did must not reach a shut-down exporter.
            if (IsShutdown)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            Export(span);
            RunDeferred();
        }
    }

    /// <summary>Under the export lock, once an exporter call returns: the spans of application code it resumed.</summary>
    private void ExportResumed()
    {
        // Bounded per call: each resumed export may resume more application code (an application that ends a span
        // whenever an export completes a task it awaits), which would otherwise keep this caller's thread forever.
        var exported = 0;
        while (_resumed is { Count: > 0 })
        {
            if (++exported > MaxResumed)
            {
                Interlocked.Add(ref _dropped, _resumed.Count);
                _resumed.Clear();
                return;
            }

            Export(_resumed.Dequeue());
        }
    }

    /// <summary>Under the export lock: exports one span, counting a failure.</summary>
    private void Export(Activity span)
    {
        // Counted under the lock, so shutdown, which waits for it, reports this export's failure too. The exporter's own
        // work is not traced by us (see TracingSuppression): a span it started, e.g. an HttpClient connection opened on
        // a pool thread, would otherwise wait for this lock, held by the export that waits for that connection.
        try
        {
            using var suppressed = TracingSuppression.Enter();
            if (_exporter.Export(new ReadOnlySpan<Activity>(ref span)) != ExportResult.Success)
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
    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        // After shutdown the exporter is shut down and disposed: the call is ignored (SPEC 17), nothing is pending.
        if (IsShutdown)
        {
            return true;
        }

        // Called on the thread of the exporter call in progress (from inside the exporter, or a span it ended): that
        // call is the caller's own, so waiting for it would wait for ourselves. Flushed once it returns.
        if (_exportLock.IsHeldByCurrentThread)
        {
            _deferredFlushTimeout = timeoutMilliseconds;
            _flushDeferred = true;
            return false;
        }

        // A span that ended before the call may still be in an export on another thread (SPEC 17: flush exports
        // everything ended before it): wait for that export, then flush.
        return RunBounded(
            () =>
            {
                lock (_exportLock)
                {
                    try
                    {
                        using var suppressed = TracingSuppression.Enter();
                        return _exporter.ForceFlush(timeoutMilliseconds);
                    }
                    finally
                    {
                        RunDeferred();
                    }
                }
            },
            timeoutMilliseconds);
    }

    /// <inheritdoc/>
    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        // Called on the thread of the exporter call in progress (from inside the exporter, or a span it ended): the
        // exporter must not be shut down under that call, and waiting for it would wait for ourselves. Shut down once
        // it returns (spans ending meanwhile are already dropped: IsShutdown is set).
        if (_exportLock.IsHeldByCurrentThread)
        {
            _deferredShutdownTimeout = timeoutMilliseconds;
            _shutdownDeferred = true;
            return false;
        }

        // An export in progress on another thread finishes first (SPEC 17: shutdown waits for in-flight span ends),
        // so the exporter is never shut down or disposed under a running Export.
        var result = RunBounded(
            () =>
            {
                lock (_exportLock)
                {
                    return ShutdownExporter(timeoutMilliseconds);
                }
            },
            timeoutMilliseconds);

        // Reported after the wait: the export that was in progress may have failed, and a span that ended while
        // shutdown waited for it was dropped; both count.
        ReportDropped();
        return result;
    }

    /// <summary>
    /// Under the export lock, once an exporter call returns: the spans of application code it resumed, then the flush
    /// or shutdown asked for from inside it.
    /// </summary>
    private void RunDeferred()
    {
        ExportResumed();
        if (_shutdownDeferred)
        {
            // A shutdown flushes too: the deferred flush is part of it.
            _shutdownDeferred = false;
            _flushDeferred = false;
            ShutdownExporter(_deferredShutdownTimeout);
            ReportDropped();
            return;
        }

        if (_flushDeferred)
        {
            _flushDeferred = false;
            try
            {
                using var suppressed = TracingSuppression.Enter();
                _exporter.ForceFlush(_deferredFlushTimeout);
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name + ".ForceFlush", ex);
            }

            ExportResumed();

            // The exporter's flush may itself have asked for a shutdown.
            if (_shutdownDeferred)
            {
                RunDeferred();
            }
        }
    }

    private bool ShutdownExporter(int timeoutMilliseconds)
    {
        try
        {
            using var suppressed = TracingSuppression.Enter();
            return _exporter.Shutdown(timeoutMilliseconds);
        }
        finally
        {
            // Spans the exporter's shutdown resumed cannot be exported any more.
            if (_resumed is { Count: > 0 })
            {
                Interlocked.Add(ref _dropped, _resumed.Count);
                _resumed.Clear();
            }

            DisposeExporter();
        }
    }

    private void ReportDropped()
    {
        var dropped = DroppedCount;
        if (dropped > 0)
        {
            CorrelationEventSource.Log.Dropped(nameof(SimpleSpanProcessor), dropped, "export failed or span ended after shutdown");
        }
    }

    /// <summary>
    /// Runs an exporter call; with a finite timeout on another thread, so a hung exporter costs the caller at most the
    /// timeout (the call itself cannot be cancelled and finishes, or not, on its own).
    /// </summary>
    private bool RunBounded(Func<bool> call, int timeoutMilliseconds)
    {
        if (timeoutMilliseconds == Timeout.Infinite)
        {
            return call();
        }

        var task = Task.Run(call);
        try
        {
            return task.Wait(timeoutMilliseconds) && task.Result;
        }
        catch (AggregateException ex)
        {
            CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name, ex.InnerException ?? ex);
            return false;
        }
    }

    private void DisposeExporter()
    {
        try
        {
            _exporter.Dispose();
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name + ".Dispose", ex);
        }
    }

    internal override void SetProviderSettings(Resource resource, SpanLimits limits) => SetExporterSettings(_exporter, resource, limits);
}
