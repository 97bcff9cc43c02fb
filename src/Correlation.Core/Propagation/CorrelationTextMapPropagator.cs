using System.Diagnostics;
using OpenTelemetry.Context.Propagation;

namespace Correlation.Propagation;

/// <summary>
/// The OpenTelemetry <see cref="TextMapPropagator"/> face of <see cref="CorrelationPropagator"/>, for applications that
/// use OpenTelemetry's propagation API (<c>Sdk.SetDefaultTextMapPropagator(CorrelationPropagator.Default.ToTextMapPropagator())</c>).
/// Same parser and writer as the other faces; baggage properties survive a round trip while the values are unchanged.
/// </summary>
internal sealed class CorrelationTextMapPropagator : TextMapPropagator
{
    private readonly CorrelationPropagator _propagator;
    private readonly HashSet<string> _fields;

    public CorrelationTextMapPropagator(CorrelationPropagator propagator)
    {
        _propagator = propagator;
        _fields = new HashSet<string>(propagator.Fields, StringComparer.Ordinal);
    }

    public override ISet<string> Fields => _fields;

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (getter is null)
        {
            return context;
        }

        var state = new GetterState<T>(carrier, getter);
        var extracted = _propagator.Extract(new PropagatedContext(context.ActivityContext), state, GetterState<T>.Get);
        var baggage = extracted.Baggage.Count > 0 ? extracted.Baggage.ToOpenTelemetryBaggage() : context.Baggage;
        return new PropagationContext(extracted.ActivityContext, baggage);
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
    {
        if (setter is null)
        {
            return;
        }

        var state = new SetterState<T>(carrier, setter);
        var activityContext = context.ActivityContext;
        if (_propagator.HandlesTraceContext && activityContext.TraceId != default && activityContext.SpanId != default)
        {
            // The context of the current span (OpenTelemetry's usual injection) lacks the random flag that .NET drops on
            // spans under a local parent; the Activity still leads to it, as for the other faces.
            if (((int)activityContext.TraceFlags & 0x2) == 0 && Activity.Current is { } current
                && current.SpanId == activityContext.SpanId && current.TraceId == activityContext.TraceId)
            {
                activityContext = TraceContextFormat.WithInheritedRandomFlag(activityContext, current);
            }

            _propagator.Inject(new PropagatedContext(activityContext), state, SetterState<T>.Set);
        }

        if (_propagator.HandlesBaggage && context.Baggage.Count > 0)
        {
            // OpenTelemetry's contract: inject the context's baggage, not the ambient one.
            CorrelationPropagator.Baggage.InjectOpenTelemetryBaggage(context.Baggage, state, SetterState<T>.Set);
        }
    }

    private readonly struct GetterState<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        public static readonly CarrierGetter<GetterState<T>> Get = static (state, name) => CorrelationDistributedContextPropagator.Join(state._getter(state._carrier, name));

        private readonly T _carrier = carrier;
        private readonly Func<T, string, IEnumerable<string>?> _getter = getter;
    }

    private readonly struct SetterState<T>(T carrier, Action<T, string, string> setter)
    {
        public static readonly CarrierSetter<SetterState<T>> Set = static (state, name, value) => state._setter(state._carrier, name, value);

        private readonly T _carrier = carrier;
        private readonly Action<T, string, string> _setter = setter;
    }
}
