using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using NLog;
using NLog.Config;

namespace Correlation.Benchmarks.NLog;

/// <summary>
/// One <c>logger.Info(...)</c> through a real NLog LogFactory to a target that renders into a reused StringBuilder,
/// inside a sampled W3C span: <c>${message}</c> alone (baseline), plus Correlation's <c>${trace-id} ${span-id}</c>,
/// plus a naive renderer pair calling <c>ToHexString()</c> per event, and (for scale) the same characters as literal text
/// and two renderers that append constant text without reading anything (what NLog charges for any two renderers).
/// A second scenario does the same with NLog's default layout (<c>${longdate}|${level:uppercase=true}|${logger}|${message}</c>).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class NLogRendererBenchmarks
{
    private const string NLogDefaultLayout = "${longdate}|${level:uppercase=true}|${logger}|${message}";

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
    private LogFactory _fixedFactory = null!;
    private Logger _fixed = null!;
    private LogFactory _defaultFactory = null!;
    private Logger _default = null!;
    private LogFactory _defaultOursFactory = null!;
    private Logger _defaultOurs = null!;

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
        (_fixedFactory, _fixed) = Create("${message} ${fixed-text:length=32} ${fixed-text:length=16}");
        (_defaultFactory, _default) = Create(NLogDefaultLayout);
        (_defaultOursFactory, _defaultOurs) = Create(NLogDefaultLayout + "|${trace-id}|${span-id}");

        // The three layouts really render what they claim (a misparsed layout would make the comparison meaningless).
        var expected = "Order placed " + _span.TraceId.ToHexString() + " " + _span.SpanId.ToHexString();
        Check(_baselineFactory, _baseline, "Order placed");
        Check(_oursFactory, _ours, expected);
        Check(_naiveFactory, _naive, expected);
        Check(_literalFactory, _literal, expected);
        Check(_fixedFactory, _fixed, "Order placed 0123456789abcdef0123456789abcdef 0123456789abcdef");
        Check(_defaultOursFactory, _defaultOurs, "|" + _span.TraceId.ToHexString() + "|" + _span.SpanId.ToHexString(), endsWith: true);
        Activity.Current = null;
    }

    /// <summary>Every row in alternating rounds in one process (<c>--interleaved-nlog</c>).</summary>
    public static void RunInterleaved()
    {
        var bench = new NLogRendererBenchmarks();
        bench.Setup();
        try
        {
            InterleavedRunner.Run("NLog, logger.Info(\"Order placed\") in a span", [
                ("${message}", bench.MessageOnly),
                ("${message} ${trace-id} ${span-id}", bench.WithCorrelation),
                ("${message} + naive renderers", bench.WithNaiveRenderer),
                ("${message} + 49 chars literal text", bench.WithLiteralText),
                ("${message} + two constant renderers", bench.WithFixedRenderers),
            ]);
            InterleavedRunner.Run("NLog default layout, logger.Info(\"Order placed\") in a span", [
                ("default layout", bench.DefaultLayout),
                ("default layout |${trace-id}|${span-id}", bench.DefaultLayoutWithCorrelation),
            ]);
        }
        finally
        {
            bench.Cleanup();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineFactory.Dispose();
        _oursFactory.Dispose();
        _naiveFactory.Dispose();
        _literalFactory.Dispose();
        _fixedFactory.Dispose();
        _defaultFactory.Dispose();
        _defaultOursFactory.Dispose();
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

    [Benchmark(Description = "${message} + two renderers appending constant text (NLog's cost for any two)")]
    public void WithFixedRenderers()
    {
        Activity.Current = _span;
        _fixed.Info("Order placed");
    }

    [Benchmark(Description = "NLog default layout")]
    public void DefaultLayout()
    {
        Activity.Current = _span;
        _default.Info("Order placed");
    }

    [Benchmark(Description = "NLog default layout + |${trace-id}|${span-id}")]
    public void DefaultLayoutWithCorrelation()
    {
        Activity.Current = _span;
        _defaultOurs.Info("Order placed");
    }

    private void Check(LogFactory factory, Logger logger, string expected, bool endsWith = false)
    {
        Activity.Current = _span;
        logger.Info("Order placed");
        var rendered = factory.Configuration!.FindTargetByName<StringBuilderTarget>("sb")!.Builder.ToString();
        if (endsWith ? !rendered.EndsWith(expected, StringComparison.Ordinal) : rendered != expected)
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
                .RegisterLayoutRenderer<NaiveSpanIdLayoutRenderer>("naive-span-id")
                .RegisterLayoutRenderer<FixedTextLayoutRenderer>("fixed-text"))
            .LoadConfiguration(c => c.ForLogger().WriteTo(new StringBuilderTarget { Name = "sb", Layout = layout }));
        return (factory, factory.GetLogger("bench"));
    }
}
