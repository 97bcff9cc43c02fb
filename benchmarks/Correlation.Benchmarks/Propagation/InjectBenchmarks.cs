using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Propagation;
using OpenTelemetry.Context.Propagation;

namespace Correlation.Benchmarks.Propagation;

/// <summary>
/// Inject one span (traceparent, a 2-member tracestate, 1 baggage item) into a string dictionary: OpenTelemetry.Api's
/// composite (TraceContext + Baggage), .NET's default <see cref="DistributedContextPropagator"/>, and Correlation through
/// its own API and through its DistributedContextPropagator face (what HttpClient calls once installed).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class InjectBenchmarks
{
    private static readonly CarrierSetter<Dictionary<string, string>> s_setter = static (carrier, name, value) => carrier[name] = value;

    private readonly Dictionary<string, string> _carrier = new(StringComparer.OrdinalIgnoreCase);
    private readonly CompositeTextMapPropagator _openTelemetry = new([new TraceContextPropagator(), new BaggagePropagator()]);
    private readonly DistributedContextPropagator _dotnet = DistributedContextPropagator.CreateDefaultPropagator();
    private readonly DistributedContextPropagator _correlationFace = CorrelationPropagator.Default.ToDistributedContextPropagator();
    private Activity _span = null!;
    private PropagationContext _openTelemetryContext;

    [GlobalSetup]
    public void Setup()
    {
        _span = PropagationInputs.Span();
        _openTelemetryContext = new PropagationContext(
            _span.Context,
            OpenTelemetry.Baggage.Create(new Dictionary<string, string> { [PropagationInputs.BaggageKey] = PropagationInputs.BaggageValue }));
    }

    [GlobalCleanup]
    public void Cleanup() => _span.Stop();

    [Benchmark(Baseline = true, Description = "OpenTelemetry.Api composite")]
    public void OpenTelemetryComposite() => _openTelemetry.Inject(_openTelemetryContext, _carrier, static (carrier, name, value) => carrier[name] = value);

    [Benchmark(Description = ".NET DistributedContextPropagator")]
    public void DotNetDefault() => _dotnet.Inject(_span, _carrier, PropagationInputs.DotNetSetter);

    [Benchmark(Description = "Correlation")]
    public void Correlation() => CorrelationPropagator.Default.Inject(_span, _carrier, s_setter);

    [Benchmark(Description = "Correlation as DistributedContextPropagator")]
    public void CorrelationFace() => _correlationFace.Inject(_span, _carrier, PropagationInputs.DotNetSetter);
}
