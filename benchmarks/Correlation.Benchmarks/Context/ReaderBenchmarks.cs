using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Context;

namespace Correlation.Benchmarks.Context;

/// <summary>
/// The cost of reading the correlation fields for one log event: no Activity, an Activity, an Activity with three
/// baggage items (on the Activity, and through OpenTelemetry's Baggage API), and the Datadog decimal profile.
/// </summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private readonly string?[] _values = new string?[8];
    private ActivitySource _source = null!;
    private ActivityListener _listener = null!;
    private Activity _span = null!;
    private Activity _spanWithBaggage = null!;
    private TraceFieldSet _otel = null!;
    private TraceFieldSet _datadog = null!;
    private TraceFieldSet _withBaggage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Correlation.Benchmarks.Reader");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        _span = _source.StartActivity("plain")!;
        Activity.Current = null;
        _spanWithBaggage = _source.StartActivity("with-baggage")!;
        _spanWithBaggage.AddBaggage("tenant.id", "acme-corp");
        _spanWithBaggage.AddBaggage("region", "eu-west");
        _spanWithBaggage.AddBaggage("plan", "gold");
        Activity.Current = null;

        _otel = TraceFieldSet.Create(new TraceContextOptions());
        _datadog = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog });
        _withBaggage = TraceFieldSet.Create(new TraceContextOptions().IncludeBaggage("tenant.id").IncludeBaggage("region").IncludeBaggage("plan"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _span.Stop();
        _spanWithBaggage.Stop();
        _listener.Dispose();
        _source.Dispose();
    }

    [Benchmark(Baseline = true, Description = "no Activity (2 fields)")]
    public string? NoActivity()
    {
        Activity.Current = null;
        return Read(_otel);
    }

    [Benchmark(Description = "Activity, OpenTelemetry profile (2 fields)")]
    public string? WithActivity()
    {
        Activity.Current = _span;
        return Read(_otel);
    }

    [Benchmark(Description = "Activity, Datadog profile (2 decimal fields)")]
    public string? WithActivityDatadog()
    {
        Activity.Current = _span;
        return Read(_datadog);
    }

    [Benchmark(Description = "Activity + 3 Activity.Baggage items (5 fields)")]
    public string? WithActivityBaggage()
    {
        Activity.Current = _spanWithBaggage;
        return Read(_withBaggage);
    }

    [Benchmark(Description = "Activity + 3 OpenTelemetry Baggage items (5 fields)")]
    public string? WithOpenTelemetryBaggage()
    {
        Activity.Current = _span;
        OpenTelemetry.Baggage.Current = s_otelBaggage;
        return Read(_withBaggage);
    }

    private static readonly OpenTelemetry.Baggage s_otelBaggage = OpenTelemetry.Baggage.Create(new Dictionary<string, string>
    {
        ["tenant.id"] = "acme-corp",
        ["region"] = "eu-west",
        ["plan"] = "gold",
    });

    private string? Read(TraceFieldSet set)
    {
        var span = TraceFieldSet.CurrentSpan();
        var count = set.Fields.Count;
        for (var i = 0; i < count; i++)
        {
            _values[i] = set.GetValue(span, i);
        }

        return _values[0];
    }
}
