using System.Buffers.Binary;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;
using OpenTelemetry;
using Ours = Correlation.Trace;
using Theirs = OpenTelemetry.Trace;

namespace Correlation.Benchmarks.Trace;

/// <summary>
/// One span started and stopped, in one run, three ways configured alike: a raw <see cref="ActivitySource"/> with a
/// bare <see cref="ActivityListener"/> (the floor: it samples, nothing processes the span), our
/// <see cref="Ours.TracerProvider"/> and the OpenTelemetry .NET SDK, both with a batch processor in front of an exporter
/// that does nothing. Each SDK listens to its own source, so only one listener sees each span.
/// </summary>
[MemoryDiagnoser]
public class SpanBenchmarks
{
    // Ratio 0.1 compares the first 8 bytes (big-endian, 63 bits) with 0.1 * long.MaxValue: 1 is below, 0x7fff... above.
    private static readonly ActivityContext SampledParent = new(
        ActivityTraceId.CreateFromString("00000000000000010000000000000001"), ActivitySpanId.CreateFromString("0000000000000001"), ActivityTraceFlags.None, null, isRemote: true);

    private static readonly ActivityContext UnsampledParent = new(
        ActivityTraceId.CreateFromString("7fffffffffffffff0000000000000001"), ActivitySpanId.CreateFromString("0000000000000001"), ActivityTraceFlags.None, null, isRemote: true);

    private static readonly object StatusCode = 200;

    private ActivitySource _raw = null!;
    private ActivitySource _ours = null!;
    private ActivitySource _theirs = null!;
    private ActivityListener _rawListener = null!;
    private Ours.TracerProvider _ourProvider = null!;
    private SpanProcessor _ourProcessor = null!;
    private Theirs.TracerProvider _theirProvider = null!;
    private ActivityContext _parent;
    private bool _withData;

    /// <summary>What the span is and how it is sampled.</summary>
    public enum SpanCase
    {
        /// <summary>A root span, AlwaysOn, batch processor.</summary>
        AlwaysOnBatch,

        /// <summary>AlwaysOn, batch, and 2 attributes + 1 event on the span.</summary>
        AlwaysOn2Attributes1Event,

        /// <summary>TraceIdRatioBased(0.1) on a trace id it samples (remote unsampled parent: the ratio ignores the flag).</summary>
        Ratio01Sampled,

        /// <summary>TraceIdRatioBased(0.1) on a trace id it drops: the span only carries a context.</summary>
        Ratio01Unsampled,

        /// <summary>A root span dropped by AlwaysOff: the span only carries a context.</summary>
        AlwaysOffRoot,
    }

    /// <summary>The case measured.</summary>
    [Params(SpanCase.AlwaysOnBatch, SpanCase.AlwaysOn2Attributes1Event, SpanCase.Ratio01Sampled, SpanCase.Ratio01Unsampled, SpanCase.AlwaysOffRoot)]
    public SpanCase Scenario { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var id = Scenario.ToString();
        _raw = new ActivitySource("Bench.Raw." + id);
        _ours = new ActivitySource("Bench.Ours." + id);
        _theirs = new ActivitySource("Bench.Theirs." + id);
        _withData = Scenario == SpanCase.AlwaysOn2Attributes1Event;
        _parent = Scenario switch
        {
            SpanCase.Ratio01Sampled => SampledParent,
            SpanCase.Ratio01Unsampled => UnsampledParent,
            _ => default,
        };

        Sampler ours;
        Theirs.Sampler theirs;
        SampleActivity<ActivityContext> raw;
        switch (Scenario)
        {
            case SpanCase.Ratio01Sampled:
            case SpanCase.Ratio01Unsampled:
                ours = new TraceIdRatioSampler(0.1);
                theirs = new Theirs.TraceIdRatioBasedSampler(0.1);
                raw = static (ref ActivityCreationOptions<ActivityContext> o) => RawRatio(o.TraceId);
                break;
            case SpanCase.AlwaysOffRoot:
                ours = new AlwaysOffSampler();
                theirs = new Theirs.AlwaysOffSampler();
                raw = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData;
                break;
            default:
                ours = new AlwaysOnSampler();
                theirs = new Theirs.AlwaysOnSampler();
                raw = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
                break;
        }

        var rawSource = _raw;
        _rawListener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, rawSource),
            Sample = raw,
            ActivityStopped = static _ => { },
        };
        ActivitySource.AddActivityListener(_rawListener);

        _ourProcessor = FloorSpanProcessors.FromEnvironment() ?? new BatchSpanProcessor(new NoopExporter(), new BatchSpanProcessorOptions());
        _ourProvider = Ours.TracerProvider.CreateBuilder()
            .AddSource(_ours.Name)
            .SetSampler(ours)
            .AddProcessor(_ourProcessor)
            .Build();

        var builder = Sdk.CreateTracerProviderBuilder().AddSource(_theirs.Name);
        builder = Theirs.TracerProviderBuilderExtensions.SetSampler(builder, theirs);
        builder = Theirs.TracerProviderBuilderExtensions.AddProcessor(builder, new BatchActivityExportProcessor(new NoopOtelExporter()));
        _theirProvider = Theirs.TracerProviderBuilderExtensions.Build(builder);
    }

    /// <summary>Our batch processor's exported and dropped counts (a full queue drops: a cheaper path than a queued span).</summary>
    internal (long Exported, long Dropped)? OurCounts => _ourProcessor is BatchSpanProcessor batch ? (batch.ExportedCount, batch.DroppedFullCount) : null;

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawListener.Dispose();
        _ourProvider.Dispose();
        _theirProvider.Dispose();
        _raw.Dispose();
        _ours.Dispose();
        _theirs.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ActivitySource + listener")]
    public bool Raw() => Run(_raw);

    [Benchmark(Description = "Correlation TracerProvider")]
    public bool Correlation() => Run(_ours);

    [Benchmark(Description = "OpenTelemetry SDK 1.20.1")]
    public bool OpenTelemetry() => Run(_theirs);

    private static ActivitySamplingResult RawRatio(ActivityTraceId traceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue) < (long)(0.1 * long.MaxValue)
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.PropagationData;
    }

    private bool Run(ActivitySource source)
    {
        var span = _parent == default ? source.StartActivity("GET /orders") : source.StartActivity("GET /orders", ActivityKind.Server, _parent);
        if (span is null)
        {
            return false;
        }

        if (_withData && span.IsAllDataRequested)
        {
            span.SetTag("http.request.method", "GET");
            span.SetTag("http.response.status_code", StatusCode);
            span.AddEvent(new ActivityEvent("cache.miss"));
        }

        var recorded = span.Recorded;
        span.Stop();
        return recorded;
    }

    private sealed class NoopExporter : SpanExporter
    {
        public override Ours.Exporting.ExportResult Export(ReadOnlySpan<Activity> batch) => Ours.Exporting.ExportResult.Success;
    }

    private sealed class NoopOtelExporter : BaseExporter<Activity>
    {
        public override global::OpenTelemetry.ExportResult Export(in Batch<Activity> batch) => global::OpenTelemetry.ExportResult.Success;
    }
}
