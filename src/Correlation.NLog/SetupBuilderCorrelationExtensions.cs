using Correlation.NLog;
using Correlation.NLog.LayoutRenderers;
using NLog.Config;

namespace NLog;

/// <summary>Registers Correlation's layout renderers with NLog in code: <c>LogManager.Setup().RegisterCorrelation()</c>.</summary>
public static class SetupBuilderCorrelationExtensions
{
    /// <summary>
    /// Registers <c>${trace-id}</c>, <c>${span-id}</c>, <c>${parent-span-id}</c>, <c>${trace-flags}</c>,
    /// <c>${trace-sampled}</c>, <c>${trace-state}</c>, <c>${baggage}</c> and <c>${trace-resource}</c> with their defaults.
    /// Calling it again changes nothing. The XML equivalent is <c>&lt;extensions&gt;&lt;add assembly="Correlation.NLog"/&gt;&lt;/extensions&gt;</c>.
    /// </summary>
    /// <param name="setupBuilder">NLog's setup builder, e.g. <c>LogManager.Setup()</c> or <c>logFactory.Setup()</c>.</param>
    /// <returns>The same builder, for chaining (e.g. <c>.LoadConfigurationFromFile()</c>).</returns>
    public static ISetupBuilder RegisterCorrelation(this ISetupBuilder setupBuilder) => RegisterCorrelation(setupBuilder, static _ => { });

    /// <summary>
    /// Registers Correlation's layout renderers (see <see cref="RegisterCorrelation(ISetupBuilder)"/>) with the given
    /// defaults. Calling it again with the same options changes nothing; with other options, the last call wins for
    /// layouts parsed afterwards.
    /// </summary>
    /// <param name="setupBuilder">NLog's setup builder.</param>
    /// <param name="configure">Sets the defaults; called once, now.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ISetupBuilder RegisterCorrelation(this ISetupBuilder setupBuilder, Action<CorrelationLayoutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(setupBuilder);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new CorrelationLayoutOptions();
        configure(options);
        if (!Enum.IsDefined(options.IdFormat))
        {
            throw new ArgumentException($"Unknown id format '{options.IdFormat}'.", nameof(configure));
        }

        var format = options.IdFormat;
        var resource = options.Resource;
        return setupBuilder.SetupExtensions(e =>
        {
            e.RegisterLayoutRenderer(() => new TraceIdLayoutRenderer { Format = format }, TraceIdLayoutRenderer.Name);
            e.RegisterLayoutRenderer(() => new SpanIdLayoutRenderer { Format = format }, SpanIdLayoutRenderer.Name);
            e.RegisterLayoutRenderer(() => new ParentSpanIdLayoutRenderer { Format = format }, ParentSpanIdLayoutRenderer.Name);
            e.RegisterLayoutRenderer<TraceFlagsLayoutRenderer>(TraceFlagsLayoutRenderer.Name);
            e.RegisterLayoutRenderer<TraceSampledLayoutRenderer>(TraceSampledLayoutRenderer.Name);
            e.RegisterLayoutRenderer<TraceStateLayoutRenderer>(TraceStateLayoutRenderer.Name);
            e.RegisterLayoutRenderer<BaggageLayoutRenderer>(BaggageLayoutRenderer.Name);
            e.RegisterLayoutRenderer(() => new TraceResourceLayoutRenderer { Resource = resource }, TraceResourceLayoutRenderer.Name);
        });
    }
}
