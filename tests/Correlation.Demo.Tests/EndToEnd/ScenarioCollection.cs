namespace Correlation.Demo.Tests.EndToEnd;

/// <summary>
/// Runs of the scenario, one at a time: each builds a tracer provider listening to the same process-wide activity
/// sources, so two runs at once would record each other's spans.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScenarioCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "scenario runs";
}
