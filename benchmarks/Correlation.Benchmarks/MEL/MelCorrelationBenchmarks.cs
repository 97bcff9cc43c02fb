using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace Correlation.Benchmarks.MEL;

/// <summary>
/// One <c>LoggerMessage.Define</c> call inside a sampled span (one baggage item, one tag) through a provider that reads
/// state and scopes: no correlation, MEL's ActivityTrackingOptions (ids; ids + Baggage|Tags), and AddTraceCorrelation
/// (2 fields; 2 fields + 1 baggage key).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class MelCorrelationBenchmarks
{
    private static readonly Action<ILogger, string, int, Exception?> s_orderPlaced =
        LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(1, "OrderPlaced"), "Order {OrderId} placed with {Items} items");

    private const ActivityTrackingOptions Ids = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId;

    private readonly List<ILoggerFactory> _factories = [];
    private ActivitySource _source = null!;
    private ActivityListener _listener = null!;
    private Activity _span = null!;
    private ILogger _baseline = null!;
    private ILogger _ato = null!;
    private ILogger _atoBaggageTags = null!;
    private ILogger _ours = null!;
    private ILogger _oursBaggage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Correlation.Benchmarks.MEL");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        _span = _source.StartActivity("request")!;
        _span.AddBaggage("tenant.id", "acme-corp");
        _span.SetTag("http.route", "/orders/{id}");
        Activity.Current = null;

        _baseline = Create(null, correlation: null);
        _ato = Create(Ids, correlation: null);
        _atoBaggageTags = Create(Ids | ActivityTrackingOptions.Baggage | ActivityTrackingOptions.Tags, correlation: null);
        _ours = Create(null, correlation: _ => { });
        _oursBaggage = Create(null, correlation: o => o.Context.IncludeBaggage("tenant.id"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _span.Stop();
        _listener.Dispose();
        _source.Dispose();
    }

    [Benchmark(Baseline = true, Description = "no correlation")]
    public void Baseline() => Write(_baseline);

    [Benchmark(Description = "ATO TraceId|SpanId|ParentId")]
    public void ActivityTracking() => Write(_ato);

    [Benchmark(Description = "ATO + Baggage|Tags")]
    public void ActivityTrackingBaggageTags() => Write(_atoBaggageTags);

    [Benchmark(Description = "ours, 2 fields")]
    public void Ours() => Write(_ours);

    [Benchmark(Description = "ours, 2 fields + 1 baggage key")]
    public void OursBaggage() => Write(_oursBaggage);

    private void Write(ILogger logger)
    {
        Activity.Current = _span;
        s_orderPlaced(logger, "o-42", 3, null);
    }

    private ILogger Create(ActivityTrackingOptions? tracking, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? correlation)
    {
        var factory = LoggerFactory.Create(builder =>
        {
            builder.AddProvider(new StateAndScopeReadingProvider());
            if (tracking is { } options)
            {
                builder.Configure(o => o.ActivityTrackingOptions = options);
            }

            if (correlation is not null)
            {
                builder.AddTraceCorrelation(correlation);
            }
        });
        _factories.Add(factory);
        return factory.CreateLogger("Bench");
    }
}
