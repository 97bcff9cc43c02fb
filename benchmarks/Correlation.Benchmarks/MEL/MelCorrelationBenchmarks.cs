using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;

namespace Correlation.Benchmarks.MEL;

/// <summary>
/// One <c>LoggerMessage.Define</c> call inside a sampled span through a provider that reads state and scopes: no
/// correlation, MEL's ActivityTrackingOptions (ids; ids + Baggage|Tags), and AddTraceCorrelation (2 fields; 2 fields +
/// the <c>tenant.id</c> baggage key), for each <see cref="MelSpanScenario"/>.
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

    /// <summary>The span the records are written in.</summary>
    [ParamsAllValues]
    public MelSpanScenario Scenario { get; set; }

    [GlobalSetup]
    public void Setup() => Setup(sharedProvider: false);

    /// <summary>Builds the span and the five loggers.</summary>
    /// <param name="sharedProvider">Whether every row uses the same copy of the provider's code (see <see cref="StateAndScopeReadingProvider{TRow}"/>).</param>
    internal void Setup(bool sharedProvider)
    {
        _source = new ActivitySource("Correlation.Benchmarks.MEL");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        _span = StartSpan(_source, Scenario);
        Activity.Current = null;

        const ActivityTrackingOptions BaggageTags = Ids | ActivityTrackingOptions.Baggage | ActivityTrackingOptions.Tags;
        static void NoOptions(Correlation.Logging.TraceCorrelationLoggerOptions o)
        {
        }

        static void TenantBaggage(Correlation.Logging.TraceCorrelationLoggerOptions o) => o.Context.IncludeBaggage("tenant.id");
        if (sharedProvider)
        {
            _baseline = Create<ProviderRows.Shared>(null, null);
            _ato = Create<ProviderRows.Shared>(Ids, null);
            _atoBaggageTags = Create<ProviderRows.Shared>(BaggageTags, null);
            _ours = Create<ProviderRows.Shared>(null, NoOptions);
            _oursBaggage = Create<ProviderRows.Shared>(null, TenantBaggage);
        }
        else
        {
            _baseline = Create<ProviderRows.Baseline>(null, null);
            _ato = Create<ProviderRows.Ato>(Ids, null);
            _atoBaggageTags = Create<ProviderRows.AtoBaggageTags>(BaggageTags, null);
            _ours = Create<ProviderRows.Ours>(null, NoOptions);
            _oursBaggage = Create<ProviderRows.OursBaggage>(null, TenantBaggage);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _factories.Clear();
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

    private static Activity StartSpan(ActivitySource source, MelSpanScenario scenario)
    {
        if (scenario == MelSpanScenario.OneTagOneBaggage)
        {
            var span = source.StartActivity("request")!;
            span.AddBaggage("tenant.id", "acme-corp");
            span.SetTag("http.route", "/orders/{id}");
            return span;
        }

        // What ASP.NET Core's hosting diagnostics and routing put on a request span (as of .NET 9/10), with the two
        // baggage items a gateway might send.
        var request = source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
        request.SetTag("server.address", "localhost");
        request.SetTag("server.port", 5001);
        request.SetTag("url.scheme", "https");
        request.SetTag("url.path", "/orders/42");
        request.SetTag("http.request.method", "GET");
        request.SetTag("network.protocol.version", "2");
        request.SetTag("user_agent.original", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        request.SetTag("http.route", "/orders/{id}");
        request.AddBaggage("tenant.id", "acme-corp");
        request.AddBaggage("session.id", "5f1c2b9e-4a7d-4e0b-9c3a-2d6f8e1a7b40");
        return request;
    }

    private void Write(ILogger logger)
    {
        Activity.Current = _span;
        s_orderPlaced(logger, "o-42", 3, null);
    }

    private ILogger Create<TRow>(ActivityTrackingOptions? tracking, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? correlation)
        where TRow : struct
    {
        var factory = LoggerFactory.Create(builder =>
        {
            builder.AddProvider(new StateAndScopeReadingProvider<TRow>());
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
