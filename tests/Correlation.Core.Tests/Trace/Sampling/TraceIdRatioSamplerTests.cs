using System.Buffers.Binary;
using System.Diagnostics;
using Correlation.Trace.Sampling;
using OtelSampling = OpenTelemetry.Trace;

namespace Correlation.Core.Tests.Trace.Sampling;

public class TraceIdRatioSamplerTests
{
    private const int Count = 100_000;

    private static ActivityTraceId[] RandomTraceIds(int seed)
    {
        var random = new Random(seed);
        var ids = new ActivityTraceId[Count];
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < Count; i++)
        {
            random.NextBytes(bytes);
            ids[i] = ActivityTraceId.CreateFromBytes(bytes);
        }

        return ids;
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Observed_ratio_over_100000_random_trace_ids_is_within_one_percent_of_the_target(double ratio)
    {
        var sampler = new TraceIdRatioSampler(ratio);
        var sampled = 0;
        foreach (var id in RandomTraceIds(42))
        {
            if (sampler.IsSampled(id))
            {
                sampled++;
            }
        }

        Assert.InRange((double)sampled / Count, ratio - 0.01, ratio + 0.01);
    }

    [Fact]
    public void A_higher_ratio_samples_a_superset_of_a_lower_one()
    {
        double[] ratios = [0.0, 0.001, 0.05, 0.1, 0.3, 0.5, 0.75, 0.99, 1.0];
        var samplers = ratios.Select(r => new TraceIdRatioSampler(r)).ToArray();
        var violations = 0;
        foreach (var id in RandomTraceIds(7))
        {
            var previous = false;
            foreach (var sampler in samplers)
            {
                var now = sampler.IsSampled(id);
                if (previous && !now)
                {
                    violations++;
                }

                previous = now;
            }
        }

        Assert.Equal(0, violations);
    }

    [Fact]
    public void The_decision_is_deterministic_on_the_trace_id()
    {
        var a = new TraceIdRatioSampler(0.3);
        var b = new TraceIdRatioSampler(0.3);
        var ids = RandomTraceIds(3);
        var first = ids.Select(a.IsSampled).ToArray();
        var again = ids.Select(a.IsSampled).ToArray();
        var other = ids.Select(b.IsSampled).ToArray();
        Assert.Equal(first, again);
        Assert.Equal(first, other);
    }

    [Fact]
    public void The_decision_follows_the_first_eight_bytes_big_endian_masked_to_63_bits()
    {
        var sampler = new TraceIdRatioSampler(0.5);
        var bound = (long)(0.5 * long.MaxValue);
        Span<byte> bytes = stackalloc byte[16];
        foreach (var id in RandomTraceIds(11).Take(1000))
        {
            id.CopyTo(bytes);
            var expected = (BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue) < bound;
            Assert.Equal(expected, sampler.IsSampled(id));
        }

        // The top bit is masked away, and only the first 8 bytes count.
        var highBitOnly = ActivityTraceId.CreateFromString("80000000000000000000000000000001");
        var justBelowHalf = ActivityTraceId.CreateFromString("3fffffffffffffffffffffffffffffff");
        var justAboveHalf = ActivityTraceId.CreateFromString("40000000000000000000000000000000");
        Assert.True(sampler.IsSampled(highBitOnly));
        Assert.True(sampler.IsSampled(justBelowHalf));
        Assert.False(sampler.IsSampled(justAboveHalf));
    }

    [Fact]
    public void Ratio_one_samples_every_id_and_ratio_zero_none()
    {
        var all = new TraceIdRatioSampler(1.0);
        var none = new TraceIdRatioSampler(0.0);
        var max = ActivityTraceId.CreateFromString("7fffffffffffffffffffffffffffffff");
        var zeroLow = ActivityTraceId.CreateFromString("00000000000000000000000000000001");
        Assert.True(all.IsSampled(max));
        Assert.True(all.IsSampled(zeroLow));
        Assert.False(none.IsSampled(zeroLow));
        Assert.False(none.IsSampled(max));
    }

    [Theory]
    [InlineData(-0.0001)]
    [InlineData(1.0001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_ratio_outside_zero_to_one_is_a_configuration_error(double ratio)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new TraceIdRatioSampler(ratio));

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.77)]
    public void It_agrees_with_the_OpenTelemetry_dotnet_sampler_on_every_id(double ratio)
    {
        var ours = new TraceIdRatioSampler(ratio);
        var theirs = new OtelSampling.TraceIdRatioBasedSampler(ratio);
        var disagreements = 0;
        foreach (var id in RandomTraceIds(5).Take(20_000))
        {
            var parameters = new OtelSampling.SamplingParameters(default, id, "x", ActivityKind.Internal);
            var theirDecision = theirs.ShouldSample(parameters).Decision == OtelSampling.SamplingDecision.RecordAndSample;
            if (theirDecision != ours.IsSampled(id))
            {
                disagreements++;
            }
        }

        Assert.Equal(0, disagreements);
    }

    [Fact]
    public void At_the_edges_it_agrees_with_OpenTelemetry_dotnet_except_that_ratio_one_also_samples_the_largest_ids()
    {
        string[] edges = ["00000000000000000000000000000001", "7ffffffffffffffe0000000000000000", "7fffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffff", "8000000000000000ffffffffffffffff"];
        foreach (var ratio in new[] { 0.0, 0.5, 1.0 })
        {
            var ours = new TraceIdRatioSampler(ratio);
            var theirs = new OtelSampling.TraceIdRatioBasedSampler(ratio);
            foreach (var edge in edges)
            {
                var id = ActivityTraceId.CreateFromString(edge);
                var theirDecision = theirs.ShouldSample(new OtelSampling.SamplingParameters(default, id, "x", ActivityKind.Internal)).Decision == OtelSampling.SamplingDecision.RecordAndSample;
                var largest = edge.StartsWith("7fffffffffffffff", StringComparison.Ordinal) || edge.StartsWith("ffffffffffffffff", StringComparison.Ordinal);
                if (ratio == 1.0 && largest)
                {
                    // Their bound is exclusive (id < long.MaxValue): ratio 1 leaves out 2 of 2^64 id prefixes; ours samples every id.
                    Assert.False(theirDecision);
                    Assert.True(ours.IsSampled(id));
                }
                else
                {
                    Assert.Equal(theirDecision, ours.IsSampled(id));
                }
            }
        }
    }

    [Fact]
    public void The_description_names_the_ratio()
        => Assert.Equal("TraceIdRatioBasedSampler{0.500000}", new TraceIdRatioSampler(0.5).Description);
}
