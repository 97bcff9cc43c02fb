using System.Diagnostics;
using Correlation.Context;
using Correlation.Core.Tests.Support;
using Correlation.Trace;

namespace Correlation.Core.Tests.Context;

/// <summary>Reading the fields for a log event allocates nothing in steady state.</summary>
public class ReaderAllocationTests
{
    public static TheoryData<TraceFieldProfile> Profiles => new() { TraceFieldProfile.OpenTelemetry, TraceFieldProfile.Serilog, TraceFieldProfile.ElasticCommonSchema, TraceFieldProfile.Datadog };

    /// <summary>The bytes the reads allocated, and the values the last read gave (so the measured reads are shown to be real).</summary>
    private static (long Bytes, string?[] Values) BytesPerRead(TraceFieldSet set, int iterations = 1000)
    {
        var values = new string?[set.Fields.Count];
        for (var warm = 0; warm < 10; warm++)
        {
            Read(set, values);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            Read(set, values);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return (bytes, values);
    }

    private static void Read(TraceFieldSet set, string?[] values)
    {
        var span = TraceFieldSet.CurrentSpan();
        for (var f = 0; f < values.Length; f++)
        {
            values[f] = set.GetValue(span, f);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Reading_every_span_field_allocates_nothing(TraceFieldProfile profile)
    {
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        using var span = spans.Start("child");
        span.TraceStateString = "vendor=value";
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("orders", "1.0", "prod").Build();
        var set = TraceFieldSet.Create(new TraceContextOptions
        {
            Profile = profile,
            Resource = resource,
            Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState,
        }.IncludeServiceFields());

        var (bytes, values) = BytesPerRead(set);

        Assert.Equal(0, bytes);
        Assert.Equal(Enumerable.Range(0, set.Fields.Count).Select(f => set.GetValue(span, f)), values);
        Assert.Equal(8, values.Length);
        Assert.All(values, v => Assert.False(string.IsNullOrEmpty(v)));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Reading_outside_a_span_allocates_nothing(TraceFieldProfile profile)
    {
        var set = TraceFieldSet.Create(new TraceContextOptions { Profile = profile, MissingFields = MissingFieldBehavior.WriteEmpty });

        var (bytes, values) = BytesPerRead(set);

        Assert.Equal(0, bytes);
        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.Equal(string.Empty, v));
    }

    [Fact]
    public void Reading_OpenTelemetry_baggage_allocates_nothing()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "acme-corp");
        try
        {
            var set = TraceFieldSet.Create(new TraceContextOptions().IncludeBaggage("tenant.id"));

            var (bytes, values) = BytesPerRead(set);

            Assert.Equal(0, bytes);
            Assert.Equal<string?>([span.TraceId.ToHexString(), span.SpanId.ToHexString(), "acme-corp"], values.AsEnumerable());
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void Reading_Activity_baggage_up_the_parent_chain_allocates_nothing()
    {
        // The runtime's GetBaggageItem allocates an iterator per call (64 B); the reader must not.
        Assert.True(ActivityBaggageReader.IsAllocationFree);
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        parent.AddBaggage("tenant.id", "acme-corp");
        parent.AddBaggage("region", "eu-west");
        using var child = spans.Start("child");
        child.AddBaggage("plan", "gold");
        var set = TraceFieldSet.Create(new TraceContextOptions().IncludeBaggage("tenant.id").IncludeBaggage("region").IncludeBaggage("plan").IncludeBaggage("absent"));

        var (bytes, values) = BytesPerRead(set);

        Assert.Equal(0, bytes);
        Assert.Equal<string?>([child.TraceId.ToHexString(), child.SpanId.ToHexString(), "acme-corp", "eu-west", "gold", null], values.AsEnumerable());
    }

    [Fact]
    public void Alternating_between_spans_on_one_thread_allocates_nothing_once_cached()
    {
        // Setting Activity.Current allocates (an ExecutionContext change), so the spans are passed in directly:
        // what is measured is the per-span cache when a thread's last entry keeps changing.
        using var spans = new TestSpans();
        var set = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog });
        using var a = spans.Start("a");
        Activity.Current = null;
        using var b = spans.Start("b");
        for (var i = 0; i < 2; i++)
        {
            set.GetValue(a, 0);
            set.GetValue(b, 0);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            Assert.NotNull(set.GetValue(a, 0));
            Assert.NotNull(set.GetValue(b, 1));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(set.GetValue(a, 1), set.GetValue(b, 1));
    }
}
