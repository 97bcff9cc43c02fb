using System.Diagnostics;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>
/// W3C propagation over any carrier: <see cref="TraceContext"/> (<c>traceparent</c> and <c>tracestate</c>, Trace Context
/// Level 2), <see cref="Baggage"/> (W3C Baggage) and <see cref="Default"/>, the composite of both. Nothing here throws
/// into the application: a getter or setter that throws is reported through the library's EventSource and Extract
/// returns the context it was given. <see cref="Install"/> makes .NET's HttpClient and ASP.NET Core hosting use it.
/// </summary>
/// <example>
/// <code>
/// CorrelationPropagator.Install(); // before the host and the HttpClients are built
/// var context = CorrelationPropagator.Default.Extract(message.Headers, PropagationCarriers.ByteHeadersGetter);
/// </code>
/// </example>
public sealed class CorrelationPropagator
{
    private const string Component = "Correlation.Propagation";

    private static readonly string[] s_traceContextFields = [TraceContextFormat.TraceParentHeader, TraceContextFormat.TraceStateHeader];
    private static readonly string[] s_baggageFields = [BaggageFormat.Header];
    private static readonly string[] s_allFields = [TraceContextFormat.TraceParentHeader, TraceContextFormat.TraceStateHeader, BaggageFormat.Header];
    private static readonly object s_installLock = new();
    private static CorrelationDistributedContextPropagator? s_installed;

    private readonly bool _traceContext;
    private readonly bool _baggage;

    private CorrelationPropagator(bool traceContext, bool baggage)
    {
        _traceContext = traceContext;
        _baggage = baggage;
        Fields = traceContext ? (baggage ? s_allFields : s_traceContextFields) : s_baggageFields;
    }

    /// <summary>W3C Trace Context (Level 2): <c>traceparent</c> and <c>tracestate</c>.</summary>
    public static CorrelationPropagator TraceContext { get; } = new(traceContext: true, baggage: false);

    /// <summary>W3C Baggage: <c>baggage</c>.</summary>
    public static CorrelationPropagator Baggage { get; } = new(traceContext: false, baggage: true);

    /// <summary>Trace Context and Baggage together (the composite).</summary>
    public static CorrelationPropagator Default { get; } = new(traceContext: true, baggage: true);

    /// <summary>The header fields this propagator reads and writes.</summary>
    public IReadOnlyList<string> Fields { get; }

    internal bool HandlesTraceContext => _traceContext;

    internal bool HandlesBaggage => _baggage;

    /// <summary>
    /// Makes <see cref="Default"/> the process-wide <see cref="DistributedContextPropagator.Current"/>, so that .NET's
    /// HttpClient injects and ASP.NET Core hosting extracts through it. Call it at startup, before building the host and
    /// creating HttpClients (they read the current propagator when they are created). Calling it again changes nothing.
    /// </summary>
    /// <returns>The installed propagator.</returns>
    public static DistributedContextPropagator Install()
    {
        lock (s_installLock)
        {
            s_installed ??= new CorrelationDistributedContextPropagator(Default);
            DistributedContextPropagator.Current = s_installed;
            return s_installed;
        }
    }

    /// <summary>This propagator as a .NET <see cref="DistributedContextPropagator"/> (without installing it).</summary>
    /// <returns>A new adapter over this propagator.</returns>
    public DistributedContextPropagator ToDistributedContextPropagator() => new CorrelationDistributedContextPropagator(this);

    /// <summary>This propagator as an OpenTelemetry <c>TextMapPropagator</c>, for <c>Sdk.SetDefaultTextMapPropagator</c>.</summary>
    /// <returns>A new adapter over this propagator.</returns>
    public OpenTelemetry.Context.Propagation.TextMapPropagator ToTextMapPropagator() => new CorrelationTextMapPropagator(this);

    /// <summary>Writes <paramref name="context"/> into the carrier. Never throws.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="context">The context to send.</param>
    /// <param name="carrier">The carrier.</param>
    /// <param name="setter">Writes one field.</param>
    public void Inject<TCarrier>(in PropagatedContext context, TCarrier carrier, CarrierSetter<TCarrier> setter)
    {
        if (setter is null)
        {
            return;
        }

        try
        {
            if (_traceContext && context.HasValidActivityContext)
            {
                var activityContext = context.ActivityContext;
                var flags = (ActivityTraceFlags)((int)activityContext.TraceFlags & 0x3);
                setter(carrier, TraceContextFormat.TraceParentHeader, TraceContextFormat.Format(activityContext.TraceId, activityContext.SpanId, flags));
                var traceState = TraceContextFormat.ForInjection(activityContext.TraceState);
                if (traceState is not null)
                {
                    setter(carrier, TraceContextFormat.TraceStateHeader, traceState);
                }
            }

            if (_baggage && context.Baggage.Count > 0)
            {
                var writer = new BaggageWriter(stackalloc char[128]);
                foreach (var member in context.Baggage.AsSpan())
                {
                    writer.Add(member.Key, member.Value, member.Properties);
                }

                var header = writer.Complete();
                if (header is not null)
                {
                    setter(carrier, BaggageFormat.Header, header);
                }
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".Inject", ex);
        }
    }

    /// <summary>
    /// Writes the context of <paramref name="activity"/> and the merged baggage view (OpenTelemetry's
    /// <c>Baggage.Current</c>, then the activity chain's baggage) into the carrier. Never throws.
    /// </summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="activity">The span to continue downstream, or <see langword="null"/> to send baggage only.</param>
    /// <param name="carrier">The carrier.</param>
    /// <param name="setter">Writes one field.</param>
    public void Inject<TCarrier>(Activity? activity, TCarrier carrier, CarrierSetter<TCarrier> setter)
    {
        if (setter is null)
        {
            return;
        }

        try
        {
            if (_traceContext && activity is not null)
            {
                var traceParent = TraceContextFormat.Format(activity);
                if (traceParent is not null)
                {
                    setter(carrier, TraceContextFormat.TraceParentHeader, traceParent);
                    var traceState = TraceContextFormat.ForInjection(activity.TraceStateString);
                    if (traceState is not null)
                    {
                        setter(carrier, TraceContextFormat.TraceStateHeader, traceState);
                    }
                }
            }

            if (_baggage)
            {
                var writer = new BaggageWriter(stackalloc char[128]);
                writer.AddCurrent(OpenTelemetry.Baggage.Current, activity);
                var header = writer.Complete();
                if (header is not null)
                {
                    setter(carrier, BaggageFormat.Header, header);
                }
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".Inject", ex);
        }
    }

    /// <summary>Writes the current context (<see cref="Activity.Current"/> and the merged baggage) into the carrier.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="carrier">The carrier.</param>
    /// <param name="setter">Writes one field.</param>
    public void InjectCurrent<TCarrier>(TCarrier carrier, CarrierSetter<TCarrier> setter) => Inject(Activity.Current, carrier, setter);

    /// <summary>Reads a context from the carrier. Never throws; returns an empty context when there is nothing valid.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="carrier">The carrier.</param>
    /// <param name="getter">Reads one field.</param>
    /// <returns>The extracted context; <see cref="ActivityContext"/> is remote.</returns>
    public PropagatedContext Extract<TCarrier>(TCarrier carrier, CarrierGetter<TCarrier> getter) => Extract(default, carrier, getter);

    /// <summary>
    /// Reads a context from the carrier on top of <paramref name="context"/>. A valid <c>traceparent</c> replaces the span
    /// context; an invalid or missing one leaves <paramref name="context"/>'s in place (SPEC 5). A non-empty baggage
    /// list replaces the baggage. If the getter throws, <paramref name="context"/> is returned unchanged. Never throws.
    /// </summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="context">The context so far (for example from another propagator).</param>
    /// <param name="carrier">The carrier.</param>
    /// <param name="getter">Reads one field.</param>
    /// <returns>The context.</returns>
    public PropagatedContext Extract<TCarrier>(in PropagatedContext context, TCarrier carrier, CarrierGetter<TCarrier> getter)
    {
        if (getter is null)
        {
            return context;
        }

        try
        {
            var activityContext = context.ActivityContext;
            var baggage = context.Baggage;
            if (_traceContext && TryExtractActivityContext(carrier, getter, out var extracted, out _, wantTraceParent: false))
            {
                activityContext = extracted;
            }

            if (_baggage)
            {
                var parsed = BaggageFormat.Parse(getter(carrier, BaggageFormat.Header));
                if (parsed.Count > 0)
                {
                    baggage = parsed;
                }
            }

            return new PropagatedContext(activityContext, baggage);
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".Extract", ex);
            return context;
        }
    }

    /// <summary>Writes an OpenTelemetry baggage (the OpenTelemetry face's contract: the context's baggage, not the ambient one).</summary>
    internal void InjectOpenTelemetryBaggage<TCarrier>(OpenTelemetry.Baggage baggage, TCarrier carrier, CarrierSetter<TCarrier> setter)
    {
        try
        {
            var writer = new BaggageWriter(stackalloc char[128]);
            writer.AddCurrent(baggage, activity: null);
            var header = writer.Complete();
            if (header is not null)
            {
                setter(carrier, BaggageFormat.Header, header);
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".Inject", ex);
        }
    }

    /// <summary>
    /// Reads traceparent and tracestate, and (when <paramref name="wantTraceParent"/>) the traceparent's canonical form;
    /// the getter's exceptions propagate to the caller, which guards them.
    /// </summary>
    internal static bool TryExtractActivityContext<TCarrier>(
        TCarrier carrier, CarrierGetter<TCarrier> getter, out ActivityContext context, out string? canonicalTraceParent, bool wantTraceParent = true)
    {
        context = default;
        canonicalTraceParent = null;
        var traceParent = getter(carrier, TraceContextFormat.TraceParentHeader);
        if (traceParent is null || !TraceContextFormat.TryParseTraceParent(traceParent, out var traceId, out var spanId, out var flags))
        {
            // SPEC 5: an invalid traceparent drops tracestate too; the caller keeps the context it had.
            return false;
        }

        var traceState = TraceContextFormat.NormalizeTraceState(getter(carrier, TraceContextFormat.TraceStateHeader));
        context = new ActivityContext(traceId, spanId, flags, traceState, isRemote: true);
        canonicalTraceParent = wantTraceParent ? TraceContextFormat.Canonical(traceParent, traceId, spanId, flags) : null;
        return true;
    }
}
