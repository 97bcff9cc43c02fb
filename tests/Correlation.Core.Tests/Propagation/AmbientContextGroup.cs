namespace Correlation.Core.Tests.Propagation;

/// <summary>Tests that change process-wide state (DistributedContextPropagator.Current, activity listeners) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AmbientContextGroup
{
    public const string Name = "Ambient trace context";
}
