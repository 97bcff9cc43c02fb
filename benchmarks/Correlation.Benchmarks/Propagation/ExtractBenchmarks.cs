using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Propagation;
using OpenTelemetry.Context.Propagation;

namespace Correlation.Benchmarks.Propagation;

/// <summary>
/// Extract a context (traceparent, a 2-member tracestate, 1 baggage item) from a string dictionary into a usable span
/// context and baggage: OpenTelemetry.Api's composite (its getter returns <see cref="IEnumerable{T}"/>, the usual
/// one-element array), .NET's default <see cref="DistributedContextPropagator"/> (trace id and state strings, parsed with
/// <see cref="ActivityContext.TryParse(string, string, bool, out ActivityContext)"/>, plus the baggage list), and Correlation.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ExtractBenchmarks
{
    private readonly Dictionary<string, string> _carrier = PropagationInputs.Headers();
    private readonly CompositeTextMapPropagator _openTelemetry = new([new TraceContextPropagator(), new BaggagePropagator()]);
    private readonly DistributedContextPropagator _dotnet = DistributedContextPropagator.CreateDefaultPropagator();
    private readonly DistributedContextPropagator _correlationFace = CorrelationPropagator.Default.ToDistributedContextPropagator();

    [Benchmark(Baseline = true, Description = "OpenTelemetry.Api composite")]
    public PropagationContext OpenTelemetryComposite()
        => _openTelemetry.Extract(default, _carrier, static (carrier, name) => carrier.TryGetValue(name, out var value) ? [value] : null);

    [Benchmark(Description = ".NET DistributedContextPropagator")]
    public (ActivityContext, IEnumerable<KeyValuePair<string, string?>>?) DotNetDefault() => Extract(_dotnet);

    [Benchmark(Description = "Correlation")]
    public PropagatedContext Correlation() => CorrelationPropagator.Default.Extract(_carrier, PropagationCarriers.DictionaryGetter);

    [Benchmark(Description = "Correlation as DistributedContextPropagator")]
    public (ActivityContext, IEnumerable<KeyValuePair<string, string?>>?) CorrelationFace() => Extract(_correlationFace);

    private (ActivityContext, IEnumerable<KeyValuePair<string, string?>>?) Extract(DistributedContextPropagator propagator)
    {
        propagator.ExtractTraceIdAndState(_carrier, PropagationInputs.DotNetGetter, out var traceParent, out var traceState);
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context);
        return (context, propagator.ExtractBaggage(_carrier, PropagationInputs.DotNetGetter));
    }
}
