using Correlation.Configuration;

namespace Correlation.Trace.Processing;

/// <summary>
/// Settings of <see cref="BatchSpanProcessor"/>. A new instance starts from the environment
/// (<c>OTEL_BSP_MAX_QUEUE_SIZE</c>, <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c>, <c>OTEL_BSP_SCHEDULE_DELAY</c>,
/// <c>OTEL_BSP_EXPORT_TIMEOUT</c>; a bad value is reported through self-diagnostics and the default used), else the
/// OpenTelemetry defaults; values set in code win.
/// </summary>
public sealed class BatchSpanProcessorOptions
{
    /// <summary>The default bound of the queue (2048).</summary>
    public const int DefaultMaxQueueSize = 2048;

    /// <summary>The default largest batch handed to the exporter (512).</summary>
    public const int DefaultMaxExportBatchSize = 512;

    /// <summary>The default delay between two timed exports (5000 ms).</summary>
    public const int DefaultScheduledDelayMilliseconds = 5000;

    /// <summary>The default time one export may take (30000 ms).</summary>
    public const int DefaultExporterTimeoutMilliseconds = 30000;

    /// <summary>
    /// The largest queue the processor can allocate (2^30 spans): its ring is a power-of-two array allocated up front,
    /// and a larger one would not fit in an array.
    /// </summary>
    internal const int MaxQueueSizeLimit = 1 << 30;

    /// <summary>Creates options from the environment, else the defaults.</summary>
    public BatchSpanProcessorOptions()
        : this(SdkEnvironment.Process)
    {
    }

    internal BatchSpanProcessorOptions(SdkEnvironment environment)
    {
        MaxQueueSize = environment.ReadPositiveInt(SdkEnvironment.BspMaxQueueSize, DefaultMaxQueueSize, MaxQueueSizeLimit);
        MaxExportBatchSize = environment.ReadPositiveInt(SdkEnvironment.BspMaxExportBatchSize, DefaultMaxExportBatchSize);
        ScheduledDelayMilliseconds = environment.ReadPositiveInt(SdkEnvironment.BspScheduleDelay, DefaultScheduledDelayMilliseconds);
        ExporterTimeoutMilliseconds = environment.ReadNonNegativeInt(SdkEnvironment.BspExportTimeout, DefaultExporterTimeoutMilliseconds);
    }

    /// <summary>
    /// The bound of the queue; a span that ends while it is full is dropped and counted. From 1 to 2^30 (the ring is
    /// allocated up front, rounded up to a power of two).
    /// </summary>
    public int MaxQueueSize { get; set; }

    /// <summary>The largest batch handed to the exporter; at least 1, and never above <see cref="MaxQueueSize"/> (it is capped).</summary>
    public int MaxExportBatchSize { get; set; }

    /// <summary>The delay between two timed exports, in milliseconds; at least 1.</summary>
    public int ScheduledDelayMilliseconds { get; set; }

    /// <summary>
    /// The time one exporter call (export, flush, shutdown) may take, in milliseconds (0: no limit). It is passed to
    /// the exporter's flush and shutdown, and <see cref="SpanProcessor.ForceFlush"/> and <see cref="SpanProcessor.Shutdown"/>
    /// stop waiting for a call that has run longer, even with an infinite timeout: they return <see langword="false"/>
    /// (and a shutdown counts the spans not exported as dropped). A call cannot be cancelled, so the worker stays in it;
    /// the exporter itself should honour its own timeout.
    /// </summary>
    public int ExporterTimeoutMilliseconds { get; set; }
}
