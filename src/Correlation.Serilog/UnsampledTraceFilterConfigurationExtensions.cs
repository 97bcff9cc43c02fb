using Correlation.Serilog.Filters;
using Serilog.Configuration;

namespace Serilog;

/// <summary><c>.Filter.ByExcludingUnsampledTraces()</c>: drops the events of traces the sampler did not sample.</summary>
public static class UnsampledTraceFilterConfigurationExtensions
{
    /// <summary>
    /// Drops events written inside a span whose W3C sampled flag is clear; events outside any trace are kept. The drops
    /// are reported through the <c>Correlation</c> EventSource; to read the count in code, pass your own
    /// <see cref="UnsampledTraceFilter"/> to <c>.Filter.With(filter)</c> instead.
    /// </summary>
    /// <param name="filterConfiguration">The logger's filter configuration.</param>
    /// <returns>The logger configuration, to chain further calls.</returns>
    public static LoggerConfiguration ByExcludingUnsampledTraces(this LoggerFilterConfiguration filterConfiguration)
    {
        ArgumentNullException.ThrowIfNull(filterConfiguration);
        return filterConfiguration.With(new UnsampledTraceFilter());
    }
}
