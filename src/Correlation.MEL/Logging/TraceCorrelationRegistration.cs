using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Correlation.Logging;

/// <summary>Marks a service collection as having trace correlation (idempotence) and builds the decorating factory.</summary>
internal sealed class TraceCorrelationRegistration
{
    // The registration whose enricher adds the fields of the record this thread is logging (see LogThroughEnricher).
    [ThreadStatic]
    private static TraceCorrelationRegistration? t_enriching;

    private volatile bool _decoratorActive;

    /// <summary>
    /// Whether the decorating factory was built: then <see cref="TraceCorrelationEnricher"/> adds nothing, except to the
    /// records the decorator hands to it (<see cref="EnrichesCurrentRecord"/>).
    /// </summary>
    internal bool DecoratorActive => _decoratorActive;

    /// <summary>Whether the record this thread is logging was passed through by <see cref="LogThroughEnricher{TState}"/>.</summary>
    internal bool EnrichesCurrentRecord => ReferenceEquals(t_enriching, this);

    /// <summary>
    /// Logs a record unchanged through <c>EnableEnrichment()</c>'s logger, whose call to
    /// <see cref="TraceCorrelationEnricher"/> adds the fields: for a <c>LoggerMessageState</c>, which that logger reads
    /// itself (its classified tags, redacted) only when it is the record's state.
    /// </summary>
    internal void LogThroughEnricher<TState>(ILogger inner, LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var previous = t_enriching;
        t_enriching = this;
        try
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
        finally
        {
            t_enriching = previous;
        }
    }

    /// <summary>
    /// Builds the decorating factory around the factory the application registered. The service collection is read at
    /// resolution time, so providers and factories registered after <c>AddTraceCorrelation</c> are seen too.
    /// </summary>
    internal static ILoggerFactory CreateFactory(IServiceProvider services, IServiceCollection registrations)
    {
        services.GetRequiredService<TraceCorrelationRegistration>()._decoratorActive = true;
        var options = services.GetRequiredService<IOptions<TraceCorrelationLoggerOptions>>().Value;
        var settings = new CorrelationLoggerSettings(options);
        var inner = FindInnerFactory(registrations);
        ILoggerFactory factory;
        var owns = true;
        if (inner is null)
        {
            factory = ActivatorUtilities.CreateInstance<LoggerFactory>(services);
        }
        else if (inner.ImplementationInstance is ILoggerFactory instance)
        {
            factory = instance;
            owns = false;
        }
        else if (inner.ImplementationFactory is { } create)
        {
            factory = (ILoggerFactory)create(services);
        }
        else
        {
            factory = (ILoggerFactory)ActivatorUtilities.CreateInstance(services, inner.ImplementationType!);
        }

        // EnableEnrichment()'s factory calls our enricher (registered with AddTraceCorrelation) for every record.
        var type = factory.GetType();
        var enricher = type.Name == "ExtendedLoggerFactory" && type.Assembly.GetName().Name == "Microsoft.Extensions.Telemetry"
            ? services.GetRequiredService<TraceCorrelationRegistration>()
            : null;
        return new CorrelatingLoggerFactory(factory, owns, settings, enricher);
    }

    private static ServiceDescriptor? FindInnerFactory(IServiceCollection registrations)
    {
        for (var i = registrations.Count - 1; i >= 0; i--)
        {
            var descriptor = registrations[i];
            if (descriptor.ServiceType != typeof(ILoggerFactory) || descriptor.IsKeyedService)
            {
                continue;
            }

            if (descriptor.ImplementationFactory?.Method.DeclaringType?.Assembly == typeof(TraceCorrelationRegistration).Assembly)
            {
                continue;
            }

            return descriptor;
        }

        return null;
    }
}
