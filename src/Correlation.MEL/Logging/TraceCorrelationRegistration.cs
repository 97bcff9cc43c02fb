using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Correlation.Logging;

/// <summary>Marks a service collection as having trace correlation (idempotence) and builds the decorating factory.</summary>
internal sealed class TraceCorrelationRegistration
{
    private volatile bool _decoratorActive;

    /// <summary>Whether the decorating factory was built (then <see cref="TraceCorrelationEnricher"/> adds nothing).</summary>
    internal bool DecoratorActive => _decoratorActive;

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

        return new CorrelatingLoggerFactory(factory, owns, settings);
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
