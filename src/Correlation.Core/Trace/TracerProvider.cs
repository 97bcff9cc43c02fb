using System.Diagnostics;
using Correlation.Diagnostics;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Trace;

/// <summary>
/// The tracing SDK: an <see cref="ActivityListener"/> on the chosen <see cref="ActivitySource"/>s that samples spans
/// as they start (the sampler decides; a dropped span still gets a valid, unsampled context), applies the span limits
/// and runs recording spans through the processors as they start and end. Build it with <see cref="CreateBuilder"/>;
/// dispose it (or <see cref="Shutdown"/>) at exit so queued spans are exported. Nothing it does throws into the
/// application.
/// </summary>
public sealed class TracerProvider : IDisposable
{
    private readonly ActivityListener? _listener;
    private readonly SpanProcessor[] _processors;
    private readonly SpanLimits _limits;
    private readonly Sampler _fallbackSampler = Configuration.SdkEnvironment.DefaultSampler();
    private readonly string _samplerName;
    private readonly bool _clearInheritedRecorded;
    private readonly bool _processorsNeedOnStart;
    private int _shutdown;
    private int _listenerDisposed;
    private long _droppedAfterShutdown;
    private long _shutdownAtTicks = long.MaxValue;

    internal TracerProvider(string[] sources, Sampler sampler, Resource resource, SpanLimits limits, SpanProcessor[] processors, bool disabled)
    {
        Sampler = sampler;
        _samplerName = DescribeSampler(sampler);
        Resource = resource;
        _limits = limits;
        _processors = processors;
        IsEnabled = !disabled;
        foreach (var processor in processors)
        {
            processor.SetProviderSettings(resource, limits);
        }

        if (disabled)
        {
            CorrelationEventSource.Log.Information(nameof(TracerProvider), "OTEL_SDK_DISABLED=true: the tracing SDK is off");
            return;
        }

        var matcher = new SourceMatcher(sources);
        var listener = new ActivityListener
        {
            ShouldListenTo = source => matcher.Matches(source.Name),
            Sample = ChooseSampleDelegate(sampler),
            ActivityStopped = OnStopped,
        };

        // Only samplers that can drop the child of a sampled local parent need the start callback to clear the flag
        // .NET copied from Activity.Current (see OnStarted); the default ParentBased delegates never do, so with them
        // and processors that ignore OnStart no callback runs as a span starts.
        _clearInheritedRecorded = CanDropChildOfSampledParent(sampler);
        _processorsNeedOnStart = NeedsOnStart(processors);
        if (_clearInheritedRecorded || _processorsNeedOnStart)
        {
            listener.ActivityStarted = OnStarted;
        }

        ActiveResource.AddProvider(resource);
        _listener = listener;
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>The sampler in use (set in code, else from <c>OTEL_TRACES_SAMPLER</c>, else ParentBased(AlwaysOn)).</summary>
    public Sampler Sampler { get; }

    /// <summary>The resource every exporter of this provider writes, and the log adapters too while it runs.</summary>
    public Resource Resource { get; }

    /// <summary><see langword="false"/> when <c>OTEL_SDK_DISABLED=true</c>: the provider then listens to nothing.</summary>
    public bool IsEnabled { get; }

    /// <summary>Starts configuring a provider.</summary>
    /// <returns>A new builder.</returns>
    public static TracerProviderBuilder CreateBuilder() => new();

    /// <summary>
    /// Spans that were started before <see cref="Shutdown"/> and ended after it: not exported, counted here. Spans that
    /// another listener (another SDK on a shared source) starts after it are not ours and not counted.
    /// </summary>
    internal long DroppedAfterShutdownCount => Interlocked.Read(ref _droppedAfterShutdown);

    /// <summary>Exports what every processor holds, in order, and flushes their exporters.</summary>
    /// <param name="timeoutMilliseconds">
    /// The time allowed for all of it; <see cref="Timeout.Infinite"/> for no limit (a batch processor still stops
    /// waiting for an exporter call that outlives its export timeout); below -1 is reported and taken as 0.
    /// </param>
    /// <returns>Whether everything finished in time; never throws.</returns>
    public bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite)
    {
        timeoutMilliseconds = SpanProcessor.ValidTimeout(timeoutMilliseconds, nameof(TracerProvider) + "." + nameof(ForceFlush));
        var stopwatch = Stopwatch.StartNew();
        var ok = true;
        foreach (var processor in _processors)
        {
            ok &= processor.ForceFlush(Remaining(timeoutMilliseconds, stopwatch));
        }

        return ok;
    }

    /// <summary>
    /// Stops sampling new spans, then flushes and shuts down every processor (and exporter) in order. Spans started
    /// before and ended after it are not exported but counted as dropped (reported at <see cref="Dispose"/>). Runs
    /// once; later calls return <see langword="false"/>.
    /// </summary>
    /// <param name="timeoutMilliseconds">
    /// The time allowed for all of it; <see cref="Timeout.Infinite"/> for no limit (a batch processor still stops
    /// waiting for an exporter call that outlives its export timeout); below -1 is reported and taken as 0.
    /// </param>
    /// <returns>Whether everything finished in time; never throws.</returns>
    public bool Shutdown(int timeoutMilliseconds = Timeout.Infinite)
    {
        timeoutMilliseconds = SpanProcessor.ValidTimeout(timeoutMilliseconds, nameof(TracerProvider) + "." + nameof(Shutdown));
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return false;
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            // The listener stays registered until Dispose so that spans still open end in OnStopped and are counted;
            // it creates no new span from now on.
            if (_listener is not null)
            {
                _listener.Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None;
                _listener.ActivityStarted = null;
            }

            // Taken after the swap: a span that starts later was created by another listener (e.g. the OpenTelemetry
            // SDK on a shared source), not by us, so its end is not one of ours dropped.
            Volatile.Write(ref _shutdownAtTicks, DateTime.UtcNow.Ticks);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(nameof(TracerProvider) + ".Shutdown", ex);
        }

        var ok = true;
        foreach (var processor in _processors)
        {
            ok &= processor.Shutdown(Remaining(timeoutMilliseconds, stopwatch));
        }

        if (_listener is not null)
        {
            ActiveResource.RemoveProvider(Resource);
        }

        return ok;
    }

    /// <summary>Shuts the provider down (5 seconds at most), stops listening and releases the processors.</summary>
    public void Dispose()
    {
        Shutdown(5000);
        if (Interlocked.Exchange(ref _listenerDisposed, 1) == 0)
        {
            try
            {
                _listener?.Dispose();
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(nameof(TracerProvider) + ".Dispose", ex);
            }

            var late = DroppedAfterShutdownCount;
            if (late > 0)
            {
                CorrelationEventSource.Log.Dropped(nameof(TracerProvider), late, "the span ended after shutdown");
            }
        }

        foreach (var processor in _processors)
        {
            try
            {
                processor.Dispose();
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(processor.GetType().Name + ".Dispose", ex);
            }
        }
    }

    private static int Remaining(int timeoutMilliseconds, Stopwatch stopwatch)
        => timeoutMilliseconds == Timeout.Infinite ? Timeout.Infinite : (int)Math.Max(0, timeoutMilliseconds - stopwatch.ElapsedMilliseconds);

    private static bool NeedsOnStart(SpanProcessor[] processors)
    {
        foreach (var processor in processors)
        {
            var method = processor.GetType().GetMethod(nameof(SpanProcessor.OnStart), [typeof(Activity)]);
            if (method is null || method.DeclaringType != typeof(SpanProcessor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Decided once, at build: the common samplers get a delegate that does not call a virtual method.</summary>
    private SampleActivity<ActivityContext> ChooseSampleDelegate(Sampler sampler)
    {
        // Each delegate first asks whether the thread is doing the SDK's own export (TracingSuppression): then no span.
        switch (sampler)
        {
            case AlwaysOnSampler:
                return static (ref ActivityCreationOptions<ActivityContext> _) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None : ActivitySamplingResult.AllDataAndRecorded;
            case AlwaysOffSampler:
                return static (ref ActivityCreationOptions<ActivityContext> _) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None : ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: AlwaysOnSampler, HasDefaultParentDelegates: true }:
                return static (ref ActivityCreationOptions<ActivityContext> options) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None
                    : options.Parent.TraceId == default || (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                        ? ActivitySamplingResult.AllDataAndRecorded
                        : ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: AlwaysOffSampler, HasDefaultParentDelegates: true }:
                return static (ref ActivityCreationOptions<ActivityContext> options) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None
                    : options.Parent.TraceId != default && (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                        ? ActivitySamplingResult.AllDataAndRecorded
                        : ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: TraceIdRatioSampler ratio, HasDefaultParentDelegates: true }:
                // The common production choice (parentbased_traceidratio): the ratio decides roots, the flag the rest.
                return (ref ActivityCreationOptions<ActivityContext> options) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None
                    : options.Parent.TraceId == default
                        ? ratio.ShouldSample(ref options)
                        : (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                            ? ActivitySamplingResult.AllDataAndRecorded
                            : ActivitySamplingResult.PropagationData;
            case TraceIdRatioSampler ratio:
                // It cannot throw: no guard needed. A ParentBasedSampler may hold user samplers, so it is guarded.
                return (ref ActivityCreationOptions<ActivityContext> options) =>
                    TracingSuppression.IsActive ? ActivitySamplingResult.None : ratio.ShouldSample(ref options);
            default:
                return SampleGuarded;
        }
    }

    private static string DescribeSampler(Sampler sampler)
    {
        // Description is user-overridable: read once, here, so the sampling guard never runs user code to report.
        try
        {
            return sampler.Description ?? sampler.GetType().Name;
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(sampler.GetType().Name + ".Description", ex);
            return sampler.GetType().Name;
        }
    }

    private ActivitySamplingResult SampleGuarded(ref ActivityCreationOptions<ActivityContext> options)
    {
        if (TracingSuppression.IsActive)
        {
            return ActivitySamplingResult.None;
        }

        try
        {
            var result = Sampler.ShouldSample(ref options);
            if ((uint)result <= (uint)ActivitySamplingResult.AllDataAndRecorded)
            {
                // None would leave the application without an Activity, hence without a trace context for its logs:
                // a user sampler's "drop" is PropagationData, like ours.
                return result == ActivitySamplingResult.None ? ActivitySamplingResult.PropagationData : result;
            }

            // Not a decision: .NET keeps the largest answer of all listeners, so 42 would beat every other SDK's
            // AllDataAndRecorded and leave the span neither recording nor sampled for all of them; below None, no
            // Activity at all. Treated like a sampler that throws.
            CorrelationEventSource.Log.ErrorSwallowed(
                _samplerName + ".ShouldSample",
                "returned " + ((int)result).ToString(System.Globalization.CultureInfo.InvariantCulture) + ", not an ActivitySamplingResult; the default sampler decided");
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(_samplerName + ".ShouldSample", ex);
        }

        return _fallbackSampler.ShouldSample(ref options);
    }

    private static bool CanDropChildOfSampledParent(Sampler sampler) => sampler switch
    {
        AlwaysOnSampler => false,
        ParentBasedSampler { HasDefaultParentDelegates: true } => false,
        _ => true,
    };

    private void OnStarted(Activity span)
    {
        if (!span.IsAllDataRequested)
        {
            // Every listener answered PropagationData at most, so the span is not sampled; but .NET copies the Recorded
            // flag of Activity.Current into a child it starts under it, whatever the samplers said (.NET 10 stopped
            // this for an explicit parent context only). Left set, the dropped span would send sampled=01 downstream,
            // write trace_flags=01 in its logs, and make its children sampled under a parent no one exports.
            if (_clearInheritedRecorded && span.Recorded)
            {
                span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }

            return;
        }

        if (!_processorsNeedOnStart)
        {
            return;
        }

        foreach (var processor in _processors)
        {
            try
            {
                processor.OnStart(span);
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(processor.GetType().Name + ".OnStart", ex);
            }
        }
    }

    private void OnStopped(Activity span)
    {
        if (!span.IsAllDataRequested)
        {
            return;
        }

        if (Volatile.Read(ref _shutdown) != 0)
        {
            if (span.Recorded && span.StartTimeUtc.Ticks < Volatile.Read(ref _shutdownAtTicks))
            {
                Interlocked.Increment(ref _droppedAfterShutdown);
            }

            return;
        }

        try
        {
            _limits.Apply(span);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(nameof(SpanLimits), ex);
        }

        foreach (var processor in _processors)
        {
            try
            {
                processor.OnEnd(span);
            }
            catch (Exception ex)
            {
                CorrelationEventSource.Log.Swallowed(processor.GetType().Name + ".OnEnd", ex);
            }
        }
    }
}
