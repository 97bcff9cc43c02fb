using System.Diagnostics;

namespace Correlation.Trace.Sampling;

/// <summary>
/// Decides, when a span starts, whether it is recorded and sampled. The decision is expressed in .NET's own terms:
/// <see cref="ActivitySamplingResult.AllDataAndRecorded"/> (record and sample),
/// <see cref="ActivitySamplingResult.AllData"/> (record only) and <see cref="ActivitySamplingResult.PropagationData"/>
/// (drop: the span still gets a valid context with sampled=0, so downstream services see the decision).
/// A sampler may set <see cref="ActivityCreationOptions{T}.TraceState"/> and add
/// <see cref="ActivityCreationOptions{T}.SamplingTags"/>; the parent's tracestate is kept unless it does.
/// </summary>
public abstract class Sampler
{
    /// <summary>A short description of the sampler (for diagnostics), e.g. <c>TraceIdRatioBased{0.1}</c>.</summary>
    public virtual string Description => GetType().Name;

    /// <summary>Decides for one span about to start. Must be fast and must not throw (the SDK guards it anyway).</summary>
    /// <param name="options">The span's name, kind, parent context, trace id, tags and links.</param>
    /// <returns>The decision.</returns>
    public abstract ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options);

    /// <inheritdoc/>
    public override string ToString() => Description;
}
