using System.Diagnostics;

namespace Correlation.Trace.Sampling;

/// <summary>Records and samples every span.</summary>
public sealed class AlwaysOnSampler : Sampler
{
    /// <inheritdoc/>
    public override string Description => "AlwaysOnSampler";

    /// <inheritdoc/>
    public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        => ActivitySamplingResult.AllDataAndRecorded;
}
