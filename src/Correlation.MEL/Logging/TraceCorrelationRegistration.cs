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

    // The decorating factory this thread is building (see CreateFactory).
    [ThreadStatic]
    private static Building? t_building;

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
        // A library that decorates the registered factory (Scrutor's Decorate, or by hand) replaces our registration by
        // one that builds ours and wraps it: that replacement is then the last factory registration, the one we would
        // wrap, and building it builds us again. That nested call says so, and the outer one wraps the factory before it.
        if (t_building is { } outer && ReferenceEquals(outer.Registrations, registrations))
        {
            // Marked as well as thrown: a decorator may catch what building its inner factory throws.
            outer.NestedBuild = true;
            throw new WrapsCorrelationException();
        }

        services.GetRequiredService<TraceCorrelationRegistration>()._decoratorActive = true;
        var options = services.GetRequiredService<IOptions<TraceCorrelationLoggerOptions>>().Value;
        var settings = new CorrelationLoggerSettings(options);
        ILoggerFactory factory;
        bool owns;
        var previous = t_building;
        var building = new Building(registrations);
        t_building = building;
        try
        {
            (factory, owns) = CreateInnerFactory(services, building);
        }
        finally
        {
            t_building = previous;
        }

        // EnableEnrichment()'s factory calls our enricher (registered with AddTraceCorrelation) for every record.
        var type = factory.GetType();
        var enricher = type.Name == "ExtendedLoggerFactory" && type.Assembly.GetName().Name == "Microsoft.Extensions.Telemetry"
            ? services.GetRequiredService<TraceCorrelationRegistration>()
            : null;
        return new CorrelatingLoggerFactory(factory, owns, settings, enricher);
    }

    /// <summary>The last registered factory that is neither ours nor one that wraps ours, and whether we own it.</summary>
    private static (ILoggerFactory Factory, bool Owns) CreateInnerFactory(IServiceProvider services, Building building)
    {
        var registrations = building.Registrations;
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

            if (descriptor.ImplementationInstance is ILoggerFactory instance)
            {
                return (instance, false);
            }

            building.NestedBuild = false;
            ILoggerFactory created;
            try
            {
                created = descriptor.ImplementationFactory is { } create
                    ? (ILoggerFactory)create(services)
                    : (ILoggerFactory)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
            }
            catch (WrapsCorrelationException)
            {
                // This registration builds ours: it is the decorator around us, not the factory under us.
                continue;
            }

            if (!building.NestedBuild)
            {
                return (created, true);
            }

            // The decorator caught our signal and built something else (a fallback) in place of ours: still the
            // decorator around us, not the factory under us. What it built is left alone, not disposed: it may wrap
            // something that is not ours to release.
        }

        return (ActivatorUtilities.CreateInstance<LoggerFactory>(services), true);
    }

    /// <summary>The outer build of the decorating factory on this thread, and whether a nested build of it was attempted.</summary>
    private sealed class Building(IServiceCollection registrations)
    {
        public IServiceCollection Registrations { get; } = registrations;

        public bool NestedBuild { get; set; }
    }

    /// <summary>Thrown by a nested build of the decorating factory, caught by the outer one (never leaves this class).</summary>
    private sealed class WrapsCorrelationException : Exception
    {
    }
}
