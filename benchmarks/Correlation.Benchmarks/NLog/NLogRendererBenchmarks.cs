using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using NLog;
using NLog.Config;

namespace Correlation.Benchmarks.NLog;

/// <summary>
/// One <c>logger.Info(...)</c> through a real NLog LogFactory to a target that renders into a reused StringBuilder,
/// inside a sampled W3C span: <c>${message}</c> alone (baseline), plus Correlation's <c>${trace-id} ${span-id}</c>,
/// plus a naive renderer pair calling <c>ToHexString()</c> per event, and (for scale) the same characters as literal text.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class NLogRendererBenchmarks
{
    private ActivitySource _source = null!;
    private ActivityListener _listener = null!;
    private Activity _span = null!;
    private LogFactory _baselineFactory = null!;
    private LogFactory _oursFactory = null!;
    private LogFactory _naiveFactory = null!;
    private Logger _baseline = null!;
    private Logger _ours = null!;
    private Logger _naive = null!;
    private LogFactory _literalFactory = null!;
    private Logger _literal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Correlation.Benchmarks.NLog");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        _span = _source.StartActivity("request")!;
        Activity.Current = null;

        (_baselineFactory, _baseline) = Create("${message}");
        (_oursFactory, _ours) = Create("${message} ${trace-id} ${span-id}");
        (_naiveFactory, _naive) = Create("${message} ${naive-trace-id} ${naive-span-id}");
        (_literalFactory, _literal) = Create("${message} " + _span.TraceId.ToHexString() + " " + _span.SpanId.ToHexString());

        // The three layouts really render what they claim (a misparsed layout would make the comparison meaningless).
        var expected = "Order placed " + _span.TraceId.ToHexString() + " " + _span.SpanId.ToHexString();
        Check(_baselineFactory, _baseline, "Order placed");
        Check(_oursFactory, _ours, expected);
        Check(_naiveFactory, _naive, expected);
        Check(_literalFactory, _literal, expected);
        Activity.Current = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineFactory.Dispose();
        _oursFactory.Dispose();
        _naiveFactory.Dispose();
        _literalFactory.Dispose();
        _span.Stop();
        _listener.Dispose();
        _source.Dispose();
    }

    [Benchmark(Baseline = true, Description = "${message}")]
    public void MessageOnly()
    {
        Activity.Current = _span;
        _baseline.Info("Order placed");
    }

    [Benchmark(Description = "${message} ${trace-id} ${span-id} (Correlation.NLog)")]
    public void WithCorrelation()
    {
        Activity.Current = _span;
        _ours.Info("Order placed");
    }

    [Benchmark(Description = "${message} + naive ToHexString() renderers")]
    public void WithNaiveRenderer()
    {
        Activity.Current = _span;
        _naive.Info("Order placed");
    }

    [Benchmark(Description = "${message} + the same 49 characters as literal text (cost of writing them)")]
    public void WithLiteralText()
    {
        Activity.Current = _span;
        _literal.Info("Order placed");
    }

    private void Check(LogFactory factory, Logger logger, string expected)
    {
        Activity.Current = _span;
        logger.Info("Order placed");
        var rendered = factory.Configuration!.FindTargetByName<StringBuilderTarget>("sb")!.Builder.ToString();
        if (rendered != expected)
        {
            throw new InvalidOperationException($"Rendered '{rendered}', expected '{expected}'.");
        }
    }

    private static (LogFactory Factory, Logger Logger) Create(string layout)
    {
        var factory = new LogFactory();
        factory.Setup()
            .RegisterCorrelation()
            .SetupExtensions(e => e
                .RegisterTarget<StringBuilderTarget>("StringBuilder")
                .RegisterLayoutRenderer<NaiveTraceIdLayoutRenderer>("naive-trace-id")
                .RegisterLayoutRenderer<NaiveSpanIdLayoutRenderer>("naive-span-id"))
            .LoadConfiguration(c => c.ForLogger().WriteTo(new StringBuilderTarget { Name = "sb", Layout = layout }));
        return (factory, factory.GetLogger("bench"));
    }
}
