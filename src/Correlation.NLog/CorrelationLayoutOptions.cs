using Correlation.Trace;

namespace Correlation.NLog;

/// <summary>Defaults for the correlation layout renderers registered in code by <c>LogManager.Setup().RegisterCorrelation(...)</c>.</summary>
public sealed class CorrelationLayoutOptions
{
    /// <summary>
    /// The id format of <c>${trace-id}</c>, <c>${span-id}</c> and <c>${parent-span-id}</c> when a layout gives no
    /// <c>format</c> option. Default: <see cref="TraceIdFormat.Hex"/>.
    /// </summary>
    public TraceIdFormat IdFormat { get; set; } = TraceIdFormat.Hex;

    /// <summary>
    /// The resource <c>${trace-resource}</c> reads; <see langword="null"/> (default) means the running Correlation tracer
    /// provider's resource, else the one the environment describes (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>).
    /// </summary>
    public Resource? Resource { get; set; }
}
