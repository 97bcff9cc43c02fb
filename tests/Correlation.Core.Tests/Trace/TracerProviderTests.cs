using System.Collections.Concurrent;
using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

public class TracerProviderTests
{
    private sealed class OrderProcessor(string name, ConcurrentQueue<string> calls) : SpanProcessor
    {
        public override void OnStart(Activity span) => calls.Enqueue(name + ":start:" + span.DisplayName);

        public override void OnEnd(Activity span) => calls.Enqueue(name + ":end:" + span.DisplayName);

        protected override bool OnForceFlush(int timeoutMilliseconds)
        {
            calls.Enqueue(name + ":flush");
            return true;
        }

        protected override bool OnShutdown(int timeoutMilliseconds)
        {
            calls.Enqueue(name + ":shutdown");
            return true;
        }
    }

    private sealed class ThrowingProcessor : SpanProcessor
    {
        public override void OnStart(Activity span) => throw new InvalidOperationException("start failed");

        public override void OnEnd(Activity span) => throw new InvalidOperationException("end failed");

        protected override bool OnForceFlush(int timeoutMilliseconds) => throw new InvalidOperationException("flush failed");
    }

    private sealed class ThrowingSampler : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
            => throw new InvalidOperationException("sampler failed");
    }

    private sealed class ResourceProbe : SpanExporter
    {
        public Resource? Seen { get; private set; }

        public override ExportResult Export(ReadOnlySpan<Activity> batch)
        {
            Seen = Resource;
            return ExportResult.Success;
        }
    }

    [Fact]
    public void Wildcard_sources_match_case_insensitively_and_others_are_ignored()
    {
        var prefix = TraceTestKit.UniqueSourceName("Wild");
        using var orders = new ActivitySource(prefix + ".Orders");
        using var exact = new ActivitySource(prefix + "-exact");
        using var other = new ActivitySource(prefix + "Other");
        using var single = new ActivitySource(prefix + ".X7");
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(prefix.ToUpperInvariant() + ".*", prefix + "-EXACT", prefix + ".X?")
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(spans)
            .Build();

        orders.StartActivity("orders")?.Dispose();
        exact.StartActivity("exact")?.Dispose();
        single.StartActivity("single")?.Dispose();
        Assert.Null(other.StartActivity("other"));

        Assert.Equal(["orders", "exact", "single"], spans.Select(s => s.DisplayName));
    }

    [Fact]
    public void Processors_run_in_the_order_they_were_added_for_start_end_flush_and_shutdown()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var calls = new ConcurrentQueue<string>();
        var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new OrderProcessor("a", calls))
            .AddProcessor(new OrderProcessor("b", calls))
            .Build();

        source.StartActivity("s")?.Dispose();
        Assert.True(provider.ForceFlush(5000));
        Assert.True(provider.Shutdown(5000));

        Assert.Equal(
            ["a:start:s", "b:start:s", "a:end:s", "b:end:s", "a:flush", "b:flush", "a:shutdown", "b:shutdown"],
            calls);
    }

    [Fact]
    public void Shutdown_runs_once_stops_listening_and_dispose_after_it_is_harmless()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var calls = new ConcurrentQueue<string>();
        var provider = TracerProvider.CreateBuilder().AddSource(name).AddProcessor(new OrderProcessor("a", calls)).Build();

        Assert.True(provider.Shutdown(5000));
        Assert.False(provider.Shutdown(5000));
        provider.Dispose();

        Assert.Null(source.StartActivity("after"));
        Assert.Equal(["a:shutdown"], calls);
    }

    [Fact]
    public void An_unsampled_span_keeps_a_valid_context_with_sampled_zero_and_reaches_no_processor()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var calls = new ConcurrentQueue<string>();
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .SetSampler(new TraceIdRatioSampler(0))
            .AddProcessor(new OrderProcessor("a", calls))
            .Build();

        using (var span = source.StartActivity("dropped"))
        {
            Assert.NotNull(span);
            Assert.False(span.IsAllDataRequested);
            Assert.False(span.Recorded);
            Assert.NotEqual(default, span.TraceId);
            Assert.NotEqual(default, span.SpanId);
            Assert.EndsWith("-00", span.Id, StringComparison.Ordinal);
            Assert.Same(span, Activity.Current);
        }

        Assert.Empty(calls);
    }

    [Fact]
    public void A_throwing_sampler_falls_back_to_parent_based_always_on_and_is_reported()
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new ThrowingSampler()).AddInMemoryExporter(spans).Build();

        var span = source.StartActivity("root");
        Assert.NotNull(span);
        Assert.True(span.Recorded);
        span.Dispose();

        Assert.Single(spans);
        Assert.True(diagnostics.Has("ErrorSwallowed", "ShouldSample", "sampler failed"));
    }

    private sealed class BrokenDescriptionSampler : Sampler
    {
        public override string Description => throw new InvalidOperationException("description failed");

        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
            => throw new InvalidOperationException("sampler failed");
    }

    private sealed class NoneSampler : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
            => ActivitySamplingResult.None;
    }

    [Fact]
    public void A_sampler_whose_Description_throws_never_throws_into_StartActivity()
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new BrokenDescriptionSampler()).AddInMemoryExporter(spans).Build();

        var span = source.StartActivity("root");

        Assert.NotNull(span);
        Assert.True(span.Recorded);
        span.Dispose();
        Assert.Single(spans);
        Assert.True(diagnostics.Has("ErrorSwallowed", "BrokenDescriptionSampler.ShouldSample", "sampler failed"));
    }

    [Fact]
    public void A_user_sampler_returning_None_still_gives_the_span_a_context()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new NoneSampler()).AddInMemoryExporter(spans).Build();

        using (var span = source.StartActivity("dropped"))
        {
            Assert.NotNull(span);
            Assert.False(span.Recorded);
            Assert.False(span.IsAllDataRequested);
            Assert.NotEqual(default, span.TraceId);
        }

        Assert.Empty(spans);
    }

    [Fact]
    public void Spans_that_end_after_shutdown_are_not_exported_but_counted_and_no_new_span_is_created()
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        var provider = TracerProvider.CreateBuilder().AddSource(name).AddInMemoryExporter(spans).Build();
        var open = source.StartActivity("open across shutdown");
        Assert.NotNull(open);

        Assert.True(provider.Shutdown(5000));
        open.Dispose();
        Assert.Null(source.StartActivity("after shutdown"));
        provider.Dispose();

        Assert.Empty(spans);
        Assert.Equal(1, provider.DroppedAfterShutdownCount);
        Assert.True(diagnostics.Has("Dropped", "TracerProvider", "ended after shutdown"));
        Assert.False(source.HasListeners());
    }

    [Fact]
    public void Timeouts_below_minus_one_are_taken_as_zero_and_reported_never_thrown()
    {
        using var diagnostics = new DiagnosticsCapture();
        var processor = new BatchSpanProcessor(new InMemorySpanExporter(new List<Activity>()), new BatchSpanProcessorOptions { ScheduledDelayMilliseconds = 60_000 });
        var provider = TracerProvider.CreateBuilder().AddSource(TraceTestKit.UniqueSourceName()).AddProcessor(processor).Build();

        provider.ForceFlush(-5);
        processor.ForceFlush(-7);
        provider.Shutdown(-2);
        Assert.False(processor.Shutdown(-3));
        provider.Dispose();

        Assert.True(diagnostics.Has("InvalidConfiguration", "TracerProvider.ForceFlush", "-5"));
        Assert.True(diagnostics.Has("InvalidConfiguration", "BatchSpanProcessor.ForceFlush", "-7"));
        Assert.True(diagnostics.Has("InvalidConfiguration", "TracerProvider.Shutdown", "-2"));
        Assert.True(diagnostics.Has("InvalidConfiguration", "BatchSpanProcessor.Shutdown", "-3"));
    }

    [Fact]
    public void A_throwing_processor_breaks_neither_the_app_nor_the_processors_after_it()
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new ThrowingProcessor())
            .AddInMemoryExporter(spans)
            .Build();

        source.StartActivity("s")?.Dispose();

        Assert.Equal("s", Assert.Single(spans).DisplayName);
        Assert.False(provider.ForceFlush(5000));
        Assert.True(diagnostics.Has("ErrorSwallowed", "end failed"));
        Assert.True(diagnostics.Has("ErrorSwallowed", "start failed"));
    }

    [Fact]
    public void Exporters_receive_the_providers_resource_before_the_first_export()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var probe = new ResourceProbe();
        using var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .ConfigureResource(r => r.IgnoreEnvironment().AddService("checkout", "1.4.2", "production"))
            .AddProcessor(new SimpleSpanProcessor(probe))
            .Build();

        source.StartActivity("s")?.Dispose();

        Assert.Same(provider.Resource, probe.Seen);
        Assert.Equal("checkout", provider.Resource.ServiceName);
        Assert.Equal("1.4.2", provider.Resource.GetString("service.version"));
        Assert.Equal("production", provider.Resource.GetString("deployment.environment.name"));
    }

    [Fact]
    public void Build_twice_and_bad_arguments_are_configuration_errors()
    {
        var builder = TracerProvider.CreateBuilder();
        using (builder.Build())
        {
            Assert.Throws<InvalidOperationException>(() => builder.Build());
        }

        Assert.Throws<ArgumentException>(() => TracerProvider.CreateBuilder().AddSource(" "));
        Assert.Throws<ArgumentNullException>(() => TracerProvider.CreateBuilder().SetSampler(null!));
        Assert.Throws<ArgumentNullException>(() => TracerProvider.CreateBuilder().AddProcessor(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => TracerProvider.CreateBuilder().SetSpanLimits(new SpanLimits { EventCountLimit = -1 }));
    }

    [Fact]
    public void Configuring_a_builder_after_Build_is_a_configuration_error_not_a_silent_no_op()
    {
        // The provider copied the builder's settings at Build: a source or processor added later would never be used.
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var builder = TracerProvider.CreateBuilder();
        using var provider = builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.AddSource(name));
        Assert.Throws<InvalidOperationException>(() => builder.AddProcessor(new SimpleSpanProcessor(new InMemorySpanExporter(new List<Activity>()))));
        Assert.Throws<InvalidOperationException>(() => builder.AddInMemoryExporter(new List<Activity>()));
        Assert.Throws<InvalidOperationException>(() => builder.AddConsoleExporter(TextWriter.Null));
        Assert.Throws<InvalidOperationException>(() => builder.SetSampler(new AlwaysOnSampler()));
        Assert.Throws<InvalidOperationException>(() => builder.SetResource(new ResourceBuilder().Build()));
        Assert.Throws<InvalidOperationException>(() => builder.ConfigureResource(r => r.AddService("late")));
        Assert.Throws<InvalidOperationException>(() => builder.SetSpanLimits(new SpanLimits()));
        Assert.False(source.HasListeners());
    }

    [Fact]
    public void Spans_from_a_batch_processor_reach_the_exporter_on_dispose()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        var provider = TracerProvider.CreateBuilder()
            .AddSource(name)
            .AddProcessor(new BatchSpanProcessor(
                new InMemorySpanExporter(spans),
                new BatchSpanProcessorOptions { ScheduledDelayMilliseconds = 600_000 }))
            .Build();

        using (var parent = source.StartActivity("parent"))
        {
            source.StartActivity("child")?.Dispose();
        }

        Assert.Empty(spans);
        provider.Dispose();

        Assert.Equal(["child", "parent"], spans.Select(s => s.DisplayName));
        Assert.Equal(spans[1].SpanId, spans[0].ParentSpanId);
    }

    private sealed class FixedSampler(ActivitySamplingResult result) : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options) => result;
    }

    [Theory]
    [InlineData(42)]
    [InlineData(-1)]
    public void A_user_sampler_returning_an_undefined_decision_gets_the_default_decision_and_is_reported(int decision)
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name)
            .SetSampler(new FixedSampler((ActivitySamplingResult)decision)).AddInMemoryExporter(spans).Build();

        var span = source.StartActivity("root");

        // ParentBased(AlwaysOn)'s decision, as for a sampler that throws.
        Assert.NotNull(span);
        Assert.True(span.Recorded);
        span.Dispose();
        Assert.Single(spans);
        Assert.True(diagnostics.Has("ErrorSwallowed", "FixedSampler.ShouldSample"));
    }

    private sealed class NullTagSampler : Sampler
    {
        public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
        {
            options.SamplingTags.Add("sampler.null", null);
            options.SamplingTags.Add("sampler.array", new object?[] { null, "x" });
            return ActivitySamplingResult.AllDataAndRecorded;
        }
    }

    [Fact]
    public void Null_valued_attributes_from_a_sampler_survive_the_limits_and_the_console_exporter()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        var console = new StringWriter();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new NullTagSampler())
            .SetSpanLimits(new SpanLimits { AttributeCountLimit = 2 })
            .AddInMemoryExporter(spans).AddConsoleExporter(console).Build();

        using (var span = source.StartActivity("nulls"))
        {
            span!.SetTag("app", "kept?");
        }

        var ended = Assert.Single(spans);
        Assert.Equal(["sampler.null", "sampler.array"], ended.TagObjects.Select(t => t.Key).ToArray());
        Assert.Equal(1, SpanLimits.GetDroppedCounts(ended).DroppedAttributes);
        Assert.Contains("name=\"nulls\"", console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Building_and_disposing_providers_while_other_threads_trace_never_throws_into_them_and_leaves_no_listener()
    {
        var name = TraceTestKit.UniqueSourceName("Churn");
        using var source = new ActivitySource(name);
        var spans = new ConcurrentQueue<Activity>();
        var errors = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();
        long started = 0;

        // One provider lives through the whole churn: the others coming and going must never take its listener away.
        var liveSpans = new List<Activity>();
        var live = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler())
            .AddProcessor(new BatchSpanProcessor(new InMemorySpanExporter(liveSpans))).Build();

        var tracers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var parent = source.StartActivity("parent");
                    using (var child = source.StartActivity("child"))
                    {
                        child?.SetTag("k", 1);
                        child?.RecordException(new InvalidOperationException("x"));
                    }

                    Interlocked.Increment(ref started);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex);
                }
            }
        }) { IsBackground = true }).ToArray();
        foreach (var t in tracers)
        {
            t.Start();
        }

        for (var i = 0; i < 200; i++)
        {
            var builder = TracerProvider.CreateBuilder().AddSource(i % 2 == 0 ? name : "Churn.*")
                .SetSampler(i % 3 == 0 ? new TraceIdRatioSampler(0.5) : new ParentBasedSampler(new AlwaysOnSampler(), localParentSampled: new AlwaysOffSampler()));
            builder = i % 2 == 0
                ? builder.AddProcessor(new BatchSpanProcessor(new InMemorySpanExporter(new List<Activity>())))
                : builder.AddProcessor(new SimpleSpanProcessor(new InMemorySpanExporter(new List<Activity>())));
            using var churn = builder.Build();
            using var second = TracerProvider.CreateBuilder().AddSource(name).AddProcessor(new ThrowingProcessor()).Build();
            Thread.Yield();
        }

        var before = Interlocked.Read(ref started);
        Assert.True(TraceTestKit.WaitUntil(() => Interlocked.Read(ref started) > before + 10));
        stop.Cancel();
        foreach (var t in tracers)
        {
            Assert.True(t.Join(10000));
        }

        // The tracing threads filled the live provider's queue (dropping is its right); once drained, it still records.
        Assert.True(source.HasListeners());
        Assert.True(live.ForceFlush(10000));
        using (var probe = source.StartActivity("still traced"))
        {
            Assert.NotNull(probe);
            Assert.True(probe.Recorded);
        }

        live.Dispose();
        Assert.Empty(errors);
        Assert.False(source.HasListeners());
        Assert.Contains(liveSpans, s => s.DisplayName == "still traced");
    }

    [Fact]
    public void A_ConfigureResource_callback_that_throws_fails_Build_and_shuts_down_the_processors_it_was_given()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var calls = new ConcurrentQueue<string>();
        var batch = new BatchSpanProcessor(new InMemorySpanExporter(new List<Activity>()));
        var builder = TracerProvider.CreateBuilder().AddSource(name)
            .AddProcessor(new OrderProcessor("p", calls))
            .AddProcessor(batch)
            .ConfigureResource(_ => throw new InvalidOperationException("resource failed"));

        // Configuration code may throw; what it was handed must not live on (the batch worker thread, the exporter).
        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Equal("resource failed", error.Message);
        Assert.Equal(["p:shutdown"], calls.ToArray());
        Assert.False(batch.Shutdown(0)); // already shut down: Shutdown runs once
        Assert.False(source.HasListeners());
    }
}
