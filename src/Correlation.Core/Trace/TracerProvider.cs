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
    private int _shutdown;

    internal TracerProvider(string[] sources, Sampler sampler, Resource resource, SpanLimits limits, SpanProcessor[] processors, bool disabled)
    {
        Sampler = sampler;
        Resource = resource;
        _limits = limits;
        _processors = processors;
        IsEnabled = !disabled;
        foreach (var processor in processors)
        {
            processor.SetResource(resource);
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

        if (NeedsOnStart(processors))
        {
            listener.ActivityStarted = OnStarted;
        }

        ActiveResource.SetFromProvider(resource);
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

    /// <summary>Exports what every processor holds, in order, and flushes their exporters.</summary>
    /// <param name="timeoutMilliseconds">The time allowed for all of it; <see cref="Timeout.Infinite"/> for no limit.</param>
    /// <returns>Whether everything finished in time; never throws.</returns>
    public bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMilliseconds, Timeout.Infinite);
        var stopwatch = Stopwatch.StartNew();
        var ok = true;
        foreach (var processor in _processors)
        {
            ok &= processor.ForceFlush(Remaining(timeoutMilliseconds, stopwatch));
        }

        return ok;
    }

    /// <summary>
    /// Stops listening, then flushes and shuts down every processor (and exporter) in order. Runs once; later calls
    /// return <see langword="false"/>.
    /// </summary>
    /// <param name="timeoutMilliseconds">The time allowed for all of it; <see cref="Timeout.Infinite"/> for no limit.</param>
    /// <returns>Whether everything finished in time; never throws.</returns>
    public bool Shutdown(int timeoutMilliseconds = Timeout.Infinite)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMilliseconds, Timeout.Infinite);
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return false;
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            _listener?.Dispose();
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
            ActiveResource.ClearIfFromProvider(Resource);
        }

        return ok;
    }

    /// <summary>Shuts the provider down (5 seconds at most) and releases the processors.</summary>
    public void Dispose()
    {
        Shutdown(5000);
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
        switch (sampler)
        {
            case AlwaysOnSampler:
                return static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
            case AlwaysOffSampler:
                return static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: AlwaysOnSampler, HasDefaultParentDelegates: true }:
                return static (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Parent.TraceId == default || (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                        ? ActivitySamplingResult.AllDataAndRecorded
                        : ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: AlwaysOffSampler, HasDefaultParentDelegates: true }:
                return static (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Parent.TraceId != default && (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                        ? ActivitySamplingResult.AllDataAndRecorded
                        : ActivitySamplingResult.PropagationData;
            case ParentBasedSampler { Root: TraceIdRatioSampler ratio, HasDefaultParentDelegates: true }:
                // The common production choice (parentbased_traceidratio): the ratio decides roots, the flag the rest.
                return (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Parent.TraceId == default
                        ? ratio.ShouldSample(ref options)
                        : (options.Parent.TraceFlags & ActivityTraceFlags.Recorded) != 0
                            ? ActivitySamplingResult.AllDataAndRecorded
                            : ActivitySamplingResult.PropagationData;
            case TraceIdRatioSampler:
                // It cannot throw: no guard needed. A ParentBasedSampler may hold user samplers, so it is guarded.
                return sampler.ShouldSample;
            default:
                return SampleGuarded;
        }
    }

    private ActivitySamplingResult SampleGuarded(ref ActivityCreationOptions<ActivityContext> options)
    {
        try
        {
            return Sampler.ShouldSample(ref options);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Sampler.Description + ".ShouldSample", ex);
            return _fallbackSampler.ShouldSample(ref options);
        }
    }

    private void OnStarted(Activity span)
    {
        if (!span.IsAllDataRequested)
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
