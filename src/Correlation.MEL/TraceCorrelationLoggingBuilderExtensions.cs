using Correlation.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Enrichment;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Logging;

/// <summary>Adds trace-log correlation to Microsoft.Extensions.Logging.</summary>
public static class TraceCorrelationLoggingBuilderExtensions
{
    /// <summary>
    /// Makes every record carry the current trace's fields (by default <c>trace_id</c> and <c>span_id</c>) as
    /// structured properties of the record itself, for every provider, whenever it is registered. Options are bound
    /// from the <c>Logging:Correlation</c> configuration section. Calling it again changes nothing.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <returns>The same builder.</returns>
    public static ILoggingBuilder AddTraceCorrelation(this ILoggingBuilder builder) => AddTraceCorrelation(builder, null);

    /// <summary>
    /// Makes every record carry the current trace's fields as structured properties of the record itself, for every
    /// provider. Options are bound from the <c>Logging:Correlation</c> configuration section, then
    /// <paramref name="configure"/> runs (code wins). Calling it again only adds the delegate: fields are never doubled.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Changes the options, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    public static ILoggingBuilder AddTraceCorrelation(this ILoggingBuilder builder, Action<TraceCorrelationLoggerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!IsRegistered(services))
        {
            services.AddOptions();
            services.AddSingleton(new TraceCorrelationRegistration());
            services.AddSingleton<IConfigureOptions<TraceCorrelationLoggerOptions>, TraceCorrelationConfigureFromConfiguration>();

            // Resolved last, so it decorates whichever factory was registered before it or after it
            // (AddLogging's LoggerFactory, or EnableEnrichment's ExtendedLoggerFactory when added first).
            var descriptor = ServiceDescriptor.Singleton<ILoggerFactory>(sp => TraceCorrelationRegistration.CreateFactory(sp, services));
            services.Add(descriptor);

            // Only used if EnableEnrichment() later replaces the factory above (it is silent otherwise).
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILogEnricher, TraceCorrelationEnricher>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    private static bool IsRegistered(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(TraceCorrelationRegistration))
            {
                return true;
            }
        }

        return false;
    }
}
