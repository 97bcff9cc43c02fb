using System.Diagnostics;
using Correlation.Diagnostics;
using Correlation.Trace.Exporting;

namespace Correlation.Trace.Processing;

/// <summary>
/// Queues sampled spans as they end and exports them in batches from one background thread. The thread that ends a
/// span never blocks: it reserves a slot in a bounded lock-free queue, or, when the queue is full, drops the span and
/// counts it. The worker exports when a full batch is waiting, when the scheduled delay elapses and on
/// <see cref="SpanProcessor.ForceFlush"/>; exports never overlap. Shutdown exports everything queued before it,
/// shuts the exporter down, reports the dropped count, and later spans are ignored and counted.
/// </summary>
public sealed class BatchSpanProcessor : SpanProcessor
{
    private readonly SpanExporter _exporter;
    private readonly SpanQueue _queue;
    private readonly int _maxBatch;
    private readonly int _delayMilliseconds;
    private readonly int _exporterTimeoutMilliseconds;
    private readonly Activity[] _batch;
    private readonly AutoResetEvent _wake = new(false);
    private readonly object _progress = new();
    private readonly Thread _worker;

    private long _droppedFull;
    private long _droppedAfterShutdown;
    private long _exported;
    private long _failed;
    private long _flushTarget;
    private long _flushRequested;
    private long _flushCompleted;
    private long _shutdownTarget = long.MaxValue;
    private volatile bool _workerExited;
    private int _wakePending;

    /// <summary>Creates the processor and starts its worker thread.</summary>
    /// <param name="exporter">The exporter it owns (shut down with the processor).</param>
    /// <param name="options">The settings; <see langword="null"/> reads the environment, else the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or delay is below 1, or the timeout is negative.</exception>
    public BatchSpanProcessor(SpanExporter exporter, BatchSpanProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        options ??= new BatchSpanProcessorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueueSize, 1, nameof(options) + "." + nameof(options.MaxQueueSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxExportBatchSize, 1, nameof(options) + "." + nameof(options.MaxExportBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ScheduledDelayMilliseconds, 1, nameof(options) + "." + nameof(options.ScheduledDelayMilliseconds));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ExporterTimeoutMilliseconds, nameof(options) + "." + nameof(options.ExporterTimeoutMilliseconds));

        _exporter = exporter;
        _queue = new SpanQueue(options.MaxQueueSize);
        _maxBatch = Math.Min(options.MaxExportBatchSize, options.MaxQueueSize);
        _delayMilliseconds = options.ScheduledDelayMilliseconds;
        _exporterTimeoutMilliseconds = options.ExporterTimeoutMilliseconds == 0 ? Timeout.Infinite : options.ExporterTimeoutMilliseconds;
        _batch = new Activity[_maxBatch];
        _worker = new Thread(Work)
        {
            IsBackground = true,
            Name = "Correlation " + nameof(BatchSpanProcessor) + " (" + exporter.GetType().Name + ")",
        };
        _worker.Start();
    }

    /// <summary>The spans dropped: because the queue was full, or because they ended after shutdown.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedFull) + Interlocked.Read(ref _droppedAfterShutdown);

    /// <summary>The spans handed to the exporter in a batch it reported as delivered.</summary>
    public long ExportedCount => Interlocked.Read(ref _exported);

    /// <summary>The spans handed to the exporter in a batch that failed (or threw).</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    internal long DroppedFullCount => Interlocked.Read(ref _droppedFull);

    internal long DroppedAfterShutdownCount => Interlocked.Read(ref _droppedAfterShutdown);

    /// <inheritdoc/>
    public override void OnEnd(Activity span)
    {
        if (!span.Recorded)
        {
            return;
        }

        switch (_queue.TryAdd(span, out var added))
        {
            case SpanQueue.AddResult.Added:
                // Wake the worker once per batch-size of additions, not per span (a wake-up costs far more than an
                // enqueue), and without reading the consumer's head here; the worker drains every full batch it finds.
                if (added % _maxBatch == 0 && Volatile.Read(ref _wakePending) == 0 &&
                    Interlocked.Exchange(ref _wakePending, 1) == 0)
                {
                    _wake.Set();
                }

                break;
            case SpanQueue.AddResult.Full:
                Interlocked.Increment(ref _droppedFull);
                break;
            default:
                Interlocked.Increment(ref _droppedAfterShutdown);
                break;
        }
    }

    /// <inheritdoc/>
    protected override bool OnForceFlush(int timeoutMilliseconds)
    {
        if (_workerExited)
        {
            return _queue.Count == 0;
        }

        var stopwatch = Stopwatch.StartNew();
        var target = _queue.AddedCount;
        long request;
        lock (_progress)
        {
            if (target > _flushTarget)
            {
                _flushTarget = target;
            }

            request = ++_flushRequested;
        }

        _wake.Set();
        return WaitFor(() => Interlocked.Read(ref _flushCompleted) >= request, stopwatch, timeoutMilliseconds);
    }

    /// <inheritdoc/>
    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var stopwatch = Stopwatch.StartNew();
        Interlocked.Exchange(ref _shutdownTarget, _queue.Close());
        _wake.Set();
        var drained = WaitFor(() => _workerExited, stopwatch, timeoutMilliseconds);

        var full = DroppedFullCount;
        if (full > 0)
        {
            CorrelationEventSource.Log.Dropped(nameof(BatchSpanProcessor), full, "the queue was full");
        }

        if (!drained)
        {
            CorrelationEventSource.Log.Warning(nameof(BatchSpanProcessor), "shutdown timed out with " + _queue.Count + " span(s) still queued or an export in progress");
            return false;
        }

        return true;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _workerExited)
        {
            _wake.Dispose();
        }
    }

    internal override void SetResource(Resource resource) => SetExporterResource(_exporter, resource);

    private bool WaitFor(Func<bool> done, Stopwatch stopwatch, int timeoutMilliseconds)
    {
        lock (_progress)
        {
            while (!done())
            {
                int remaining;
                if (timeoutMilliseconds == Timeout.Infinite)
                {
                    remaining = Timeout.Infinite;
                }
                else
                {
                    remaining = timeoutMilliseconds - (int)stopwatch.ElapsedMilliseconds;
                    if (remaining <= 0)
                    {
                        return false;
                    }
                }

                Monitor.Wait(_progress, remaining);
            }

            return true;
        }
    }

    private void Work()
    {
        var nextTimedExport = Environment.TickCount64 + _delayMilliseconds;
        try
        {
            while (true)
            {
                Volatile.Write(ref _wakePending, 0);
                var shutdownTarget = Interlocked.Read(ref _shutdownTarget);
                long flushRequest;
                long flushTarget;
                lock (_progress)
                {
                    flushRequest = _flushRequested;
                    flushTarget = _flushTarget;
                }

                var flushPending = flushRequest > Interlocked.Read(ref _flushCompleted);
                var timerDue = Environment.TickCount64 >= nextTimedExport;
                if (!timerDue && !flushPending && shutdownTarget == long.MaxValue && _queue.Count < _maxBatch)
                {
                    _wake.WaitOne((int)Math.Max(1, nextTimedExport - Environment.TickCount64));
                    continue;
                }

                // Drain what each trigger asks for: a full batch, everything (timer), up to a target (flush, shutdown).
                var drainTo = _queue.RemovedCount + (_queue.Count / _maxBatch * _maxBatch);
                if (timerDue)
                {
                    drainTo = _queue.AddedCount;
                    nextTimedExport = Environment.TickCount64 + _delayMilliseconds;
                }

                if (flushPending && flushTarget > drainTo)
                {
                    drainTo = flushTarget;
                }

                if (shutdownTarget != long.MaxValue)
                {
                    drainTo = shutdownTarget;
                }

                while (_queue.RemovedCount < drainTo)
                {
                    ExportBatch((int)Math.Min(_maxBatch, drainTo - _queue.RemovedCount));
                }

                if (flushPending)
                {
                    FlushExporter();
                    lock (_progress)
                    {
                        Interlocked.Exchange(ref _flushCompleted, flushRequest);
                        Monitor.PulseAll(_progress);
                    }
                }

                if (shutdownTarget != long.MaxValue)
                {
                    var after = DroppedAfterShutdownCount;
                    if (after > 0)
                    {
                        CorrelationEventSource.Log.Dropped(nameof(BatchSpanProcessor), after, "the span ended after shutdown");
                    }

                    ShutdownExporter();
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            // Only a bug of ours lands here (exporter calls are guarded); stop quietly rather than kill the process.
            CorrelationEventSource.Log.Swallowed(nameof(BatchSpanProcessor) + " worker", ex);
        }
        finally
        {
            lock (_progress)
            {
                _workerExited = true;
                Interlocked.Exchange(ref _flushCompleted, long.MaxValue);
                Monitor.PulseAll(_progress);
            }
        }
    }

    private void ExportBatch(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _batch[i] = _queue.Take();
        }

        try
        {
            var result = _exporter.Export(new ReadOnlySpan<Activity>(_batch, 0, count));
            if (result == ExportResult.Success)
            {
                Interlocked.Add(ref _exported, count);
            }
            else
            {
                Interlocked.Add(ref _failed, count);
            }
        }
        catch (Exception ex)
        {
            Interlocked.Add(ref _failed, count);
            CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name + ".Export", ex);
        }
        finally
        {
            Array.Clear(_batch, 0, count);
        }
    }

    private void FlushExporter()
    {
        try
        {
            _exporter.ForceFlush(_exporterTimeoutMilliseconds);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(_exporter.GetType().Name + ".ForceFlush", ex);
        }
    }

    private void ShutdownExporter()
    {
        _exporter.Shutdown(_exporterTimeoutMilliseconds);
    }
}
