using Correlation.Exporters.Otlp;
using Correlation.Trace.Processing;

namespace Correlation.Trace;

/// <summary>Adds the OTLP/HTTP exporter to a <see cref="TracerProviderBuilder"/>.</summary>
public static class OtlpTracerProviderBuilderExtensions
{
    /// <summary>
    /// Exports every sampled span over OTLP/HTTP through a <see cref="BatchSpanProcessor"/>, so that exports run on the
    /// processor's worker and never on an application thread. Both the exporter and the batch processor start from the
    /// environment (<c>OTEL_EXPORTER_OTLP_*</c>, <c>OTEL_BSP_*</c>); the callbacks then override what they set.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the exporter's options (endpoint, protocol, headers, ...), or <see langword="null"/>.</param>
    /// <param name="configureBatch">Changes the batch processor's options (queue size, batch size, delay), or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The builder has already built its provider.</exception>
    public static TracerProviderBuilder AddOtlpExporter(
        this TracerProviderBuilder builder,
        Action<OtlpExporterOptions>? configure = null,
        Action<BatchSpanProcessorOptions>? configureBatch = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Before anything is created: a processor refused by a built builder would keep its worker thread for nothing.
        builder.ThrowIfBuilt();
        var options = new OtlpExporterOptions();
        configure?.Invoke(options);
        var batchOptions = new BatchSpanProcessorOptions();
        configureBatch?.Invoke(batchOptions);
        return builder.AddProcessor(new BatchSpanProcessor(new OtlpHttpExporter(options), batchOptions));
    }
}
