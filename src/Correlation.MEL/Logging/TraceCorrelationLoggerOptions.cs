using Correlation.Context;

namespace Correlation.Logging;

/// <summary>
/// Options of <c>AddTraceCorrelation</c>: which correlation fields every Microsoft.Extensions.Logging record carries
/// (the same profiles and options as every Correlation adapter) and whether records of unsampled traces are dropped.
/// Bound from the configuration section <c>Logging:Correlation</c> first, then changed by code.
/// </summary>
public sealed class TraceCorrelationLoggerOptions
{
    /// <summary>The configuration section the options are bound from: <c>Logging:Correlation</c>.</summary>
    public const string ConfigurationSectionName = "Logging:Correlation";

    /// <summary>
    /// The fields, their names and the baggage and resource allow-lists. In configuration these keys sit directly in
    /// the section (<c>Profile</c>, <c>Fields</c>, <c>Names</c>, <c>Baggage</c>, <c>ResourceFields</c>, <c>MissingFields</c>).
    /// </summary>
    public TraceContextOptions Context { get; } = new();

    /// <summary>
    /// When <see langword="true"/>, records written inside a span whose trace is not sampled (W3C flag <c>sampled</c>
    /// clear) are dropped before any provider sees them; records outside any span are kept. Drops are counted on the
    /// <c>correlation.logs.dropped</c> counter of the <c>Correlation.MEL</c> meter and reported when the factory is disposed.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool DropUnsampledTraces { get; set; }
}
