using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace Correlation.Trace.Sampling;

/// <summary>
/// Samples a fixed fraction of traces, deciding on the trace id alone (never at random per call, ignoring the
/// parent's flag), with OpenTelemetry .NET's algorithm so that a mixed fleet agrees: the first 8 bytes of the trace id,
/// big-endian, <c>&amp; long.MaxValue</c>, compared with <c>(long)(ratio * long.MaxValue)</c>. A higher ratio samples a
/// superset of the traces a lower one samples. Wrap it in <see cref="ParentBasedSampler"/> to follow parents.
/// </summary>
public sealed class TraceIdRatioSampler : Sampler
{
    private readonly long _upperBound;

    /// <summary>Creates the sampler.</summary>
    /// <param name="ratio">The fraction of traces to sample, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is outside [0, 1] or not a number.</exception>
    public TraceIdRatioSampler(double ratio)
    {
        if (double.IsNaN(ratio) || ratio < 0.0 || ratio > 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The sampling ratio must be in [0, 1].");
        }

        Ratio = ratio;
        _upperBound = ratio switch
        {
            0.0 => long.MinValue, // nothing is below it: ratio 0 samples nothing
            1.0 => long.MaxValue,
            _ => (long)(ratio * long.MaxValue),
        };
        Description = "TraceIdRatioBasedSampler{" + ratio.ToString("0.000000", CultureInfo.InvariantCulture) + "}";
    }

    /// <summary>The fraction of traces sampled.</summary>
    public double Ratio { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        => IsSampled(options.TraceId) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData;

    /// <summary>The decision for one trace id (ratio 1 samples every id, including the largest).</summary>
    internal bool IsSampled(ActivityTraceId traceId)
    {
        if (_upperBound == long.MaxValue)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue) < _upperBound;
    }
}
