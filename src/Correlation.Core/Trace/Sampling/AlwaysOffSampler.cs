using System.Diagnostics;

namespace Correlation.Trace.Sampling;

/// <summary>
/// Drops every span: the span is not recorded, but it still carries a valid context (with sampled=0) so that logs
/// correlate and downstream services see the decision.
/// </summary>
public sealed class AlwaysOffSampler : Sampler
{
    /// <inheritdoc/>
    public override string Description => "AlwaysOffSampler";

    /// <inheritdoc/>
    public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        => ActivitySamplingResult.PropagationData;
}
