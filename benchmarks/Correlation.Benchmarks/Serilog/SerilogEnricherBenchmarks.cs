using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Context;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Correlation.Benchmarks.Serilog;

/// <summary>
/// One <c>Information("Order {OrderId} placed", 42)</c> inside a span, into a sink that reads every property: no
/// enrichment (baseline), Serilog's built-in trace capture written by the sink, a naive enricher (ToHexString +
/// CreateProperty per event, Serilog.Enrichers.Span's way), and <c>.Enrich.WithTraceContext()</c> with 2 and 3 fields.
/// </summary>
[MemoryDiagnoser]
public class SerilogEnricherBenchmarks
{
    private ActivitySource _source = null!;
    private ActivityListener _listener = null!;
    private Activity _span = null!;
    private ReadingSink _sink = null!;
    private Logger _baseline = null!;
    private Logger _builtIn = null!;
    private Logger _naive = null!;
    private Logger _ours2 = null!;
    private Logger _ours3 = null!;
    private Logger _constant3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source = new ActivitySource("Correlation.Benchmarks.Serilog");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
        using (_source.StartActivity("parent"))
        {
            _span = _source.StartActivity("child")!;
        }

        _sink = new ReadingSink();
        _baseline = new LoggerConfiguration().WriteTo.Sink(_sink).CreateLogger();
        _builtIn = new LoggerConfiguration().WriteTo.Sink(new ReadingSink { WriteBuiltInIds = true }).CreateLogger();
        _naive = new LoggerConfiguration().Enrich.With(new NaiveEnricher()).WriteTo.Sink(_sink).CreateLogger();
        _ours2 = new LoggerConfiguration().Enrich.WithTraceContext().WriteTo.Sink(_sink).CreateLogger();
        _ours3 = new LoggerConfiguration()
            .Enrich.WithTraceContext(o => o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId)
            .WriteTo.Sink(_sink).CreateLogger();

        _constant3 = new LoggerConfiguration()
            .Enrich.With(new ConstantEnricher(
                new LogEventProperty("trace_id", new ScalarValue(_span.TraceId.ToHexString())),
                new LogEventProperty("span_id", new ScalarValue(_span.SpanId.ToHexString())),
                new LogEventProperty("parent_span_id", new ScalarValue(_span.ParentSpanId.ToHexString()))))
            .WriteTo.Sink(_sink).CreateLogger();

        // Fail the run rather than measure a setup that writes no fields.
        Activity.Current = _span;
        _ours3.Information("Order {OrderId} placed", 42);
        if (_sink.LastCount != 4)
        {
            throw new InvalidOperationException($"Expected 4 properties, the sink read {_sink.LastCount}.");
        }
    }

    /// <summary>Every row in alternating rounds in one process (<c>--interleaved-serilog</c>).</summary>
    public static void RunInterleaved()
    {
        var bench = new SerilogEnricherBenchmarks();
        bench.Setup();
        try
        {
            InterleavedRunner.Run("Serilog, Information(\"Order {OrderId} placed\", 42) in a span", [
                ("no enrichment", bench.Baseline),
                ("Serilog built-in capture", bench.BuiltIn),
                ("naive enricher", bench.Naive),
                ("WithTraceContext, 2 fields", bench.Ours2),
                ("WithTraceContext, 3 fields", bench.Ours3),
                ("3 prebuilt constant properties", bench.Constant3),
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
        _span.Stop();
        _listener.Dispose();
        _source.Dispose();
    }

    [Benchmark(Baseline = true, Description = "no enrichment")]
    public void Baseline()
    {
        Activity.Current = _span;
        _baseline.Information("Order {OrderId} placed", 42);
    }

    [Benchmark(Description = "Serilog built-in capture (@tr/@sp written by the sink)")]
    public void BuiltIn()
    {
        Activity.Current = _span;
        _builtIn.Information("Order {OrderId} placed", 42);
    }

    [Benchmark(Description = "naive enricher (ToHexString + CreateProperty)")]
    public void Naive()
    {
        Activity.Current = _span;
        _naive.Information("Order {OrderId} placed", 42);
    }

    [Benchmark(Description = "WithTraceContext, 2 fields")]
    public void Ours2()
    {
        Activity.Current = _span;
        _ours2.Information("Order {OrderId} placed", 42);
    }

    [Benchmark(Description = "WithTraceContext, 3 fields (+ parent)")]
    public void Ours3()
    {
        Activity.Current = _span;
        _ours3.Information("Order {OrderId} placed", 42);
    }

    [Benchmark(Description = "3 prebuilt constant properties (Serilog's storage cost alone)")]
    public void Constant3()
    {
        Activity.Current = _span;
        _constant3.Information("Order {OrderId} placed", 42);
    }

    /// <summary>Reads every property value, as a formatting sink does; optionally formats Serilog's own ids too.</summary>
    private sealed class ReadingSink : ILogEventSink
    {
        public bool WriteBuiltInIds { get; init; }

        public int LastCount { get; private set; }

        public int Characters { get; private set; }

        public void Emit(LogEvent logEvent)
        {
            var count = 0;
            var characters = 0;
            foreach (var pair in logEvent.Properties)
            {
                count++;
                characters += pair.Key.Length;
                if (pair.Value is ScalarValue { Value: string text })
                {
                    characters += text.Length;
                }
            }

            if (WriteBuiltInIds && logEvent.TraceId is { } traceId && logEvent.SpanId is { } spanId)
            {
                characters += traceId.ToHexString().Length + spanId.ToHexString().Length;
            }

            LastCount = count;
            Characters = characters;
        }
    }

    /// <summary>Adds the same prebuilt properties to every event: what storing them costs Serilog, with no lookup at all.</summary>
    private sealed class ConstantEnricher(params LogEventProperty[] properties) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            for (var i = 0; i < properties.Length; i++)
            {
                logEvent.AddPropertyIfAbsent(properties[i]);
            }
        }
    }

    /// <summary>What Serilog.Enrichers.Span and most hand-written enrichers do: format and create on every event.</summary>
    private sealed class NaiveEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            var activity = Activity.Current;
            if (activity is null)
            {
                return;
            }

            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("trace_id", activity.TraceId.ToHexString()));
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("span_id", activity.SpanId.ToHexString()));
        }
    }
}
