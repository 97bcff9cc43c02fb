using Correlation.NLog.LayoutRenderers;
using NLog.Config;

namespace NLog;

/// <summary>Registers Correlation's layout renderers with NLog in code: <c>LogManager.Setup().RegisterCorrelation()</c>.</summary>
public static class SetupBuilderCorrelationExtensions
{
    /// <summary>
    /// Registers <c>${trace-id}</c>, <c>${span-id}</c>, <c>${parent-span-id}</c>, <c>${trace-flags}</c>,
    /// <c>${trace-sampled}</c>, <c>${trace-state}</c>, <c>${baggage}</c> and <c>${trace-resource}</c>. Calling it again
    /// registers the same renderers under the same names, which leaves NLog's registry as it was. The XML equivalent is <c>&lt;extensions&gt;&lt;add assembly="Correlation.NLog"/&gt;&lt;/extensions&gt;</c>.
    /// </summary>
    /// <remarks>
    /// There is deliberately no overload taking options: NLog keeps layout renderer registrations in one process-wide
    /// registry, so defaults given here would leak into every <see cref="LogFactory"/>. Options belong to each layout
    /// (<c>${trace-id:format=datadog}</c>), as with NLog's own renderers.
    /// </remarks>
    /// <param name="setupBuilder">NLog's setup builder, e.g. <c>LogManager.Setup()</c> or <c>logFactory.Setup()</c>.</param>
    /// <returns>The same builder, for chaining (e.g. <c>.LoadConfigurationFromFile()</c>).</returns>
    public static ISetupBuilder RegisterCorrelation(this ISetupBuilder setupBuilder)
    {
        ArgumentNullException.ThrowIfNull(setupBuilder);
        return setupBuilder.SetupExtensions(static e => e
            .RegisterLayoutRenderer<TraceIdLayoutRenderer>(TraceIdLayoutRenderer.Name)
            .RegisterLayoutRenderer<SpanIdLayoutRenderer>(SpanIdLayoutRenderer.Name)
            .RegisterLayoutRenderer<ParentSpanIdLayoutRenderer>(ParentSpanIdLayoutRenderer.Name)
            .RegisterLayoutRenderer<TraceFlagsLayoutRenderer>(TraceFlagsLayoutRenderer.Name)
            .RegisterLayoutRenderer<TraceSampledLayoutRenderer>(TraceSampledLayoutRenderer.Name)
            .RegisterLayoutRenderer<TraceStateLayoutRenderer>(TraceStateLayoutRenderer.Name)
            .RegisterLayoutRenderer<BaggageLayoutRenderer>(BaggageLayoutRenderer.Name)
            .RegisterLayoutRenderer<TraceResourceLayoutRenderer>(TraceResourceLayoutRenderer.Name));
    }
}
