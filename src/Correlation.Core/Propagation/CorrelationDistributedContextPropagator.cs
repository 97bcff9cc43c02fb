using System.Diagnostics;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>
/// The <see cref="DistributedContextPropagator"/> face of <see cref="CorrelationPropagator"/>: what .NET's HttpClient
/// (DiagnosticsHandler) and ASP.NET Core hosting call. Same parser and writer as the other faces.
/// </summary>
internal sealed class CorrelationDistributedContextPropagator : DistributedContextPropagator
{
    private const string Component = "Correlation.Propagation.DistributedContextPropagator";

    private static readonly CarrierGetter<GetterState> s_getter = static (state, name) =>
    {
        state.Getter(state.Carrier, name, out var value, out var values);
        return value ?? Join(values);
    };

    private static readonly CarrierSetter<SetterState> s_setter = static (state, name, value) => state.Setter(state.Carrier, name, value);

    private readonly CorrelationPropagator _propagator;

    public CorrelationDistributedContextPropagator(CorrelationPropagator propagator)
    {
        _propagator = propagator;
    }

    public override IReadOnlyCollection<string> Fields => (IReadOnlyCollection<string>)_propagator.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (setter is null)
        {
            return;
        }

        _propagator.Inject(activity, new SetterState(carrier, setter), s_setter);
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        if (getter is null || !_propagator.HandlesTraceContext)
        {
            return;
        }

        try
        {
            if (CorrelationPropagator.TryExtractActivityContext(new GetterState(carrier, getter), s_getter, out var context, out var traceParent))
            {
                traceId = traceParent;
                traceState = context.TraceState;
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".ExtractTraceIdAndState", ex);
            traceId = null;
            traceState = null;
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
    {
        if (getter is null || !_propagator.HandlesBaggage)
        {
            return null;
        }

        try
        {
            var baggage = BaggageFormat.Parse(s_getter(new GetterState(carrier, getter), BaggageFormat.Header));
            if (baggage.Count == 0)
            {
                return null;
            }

            // By the DistributedContextPropagator contract the list comes reversed: callers add each item with
            // Activity.AddBaggage, which puts it in front, so Activity.Baggage ends up in wire order.
            var members = baggage.AsSpan();
            var result = new KeyValuePair<string, string?>[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                var member = members[members.Length - 1 - i];
                result[i] = new KeyValuePair<string, string?>(member.Key, member.Value);
            }

            return result;
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed(Component + ".ExtractBaggage", ex);
            return null;
        }
    }

    internal static string? Join(IEnumerable<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        if (values is IList<string> list)
        {
            if (list.Count == 0)
            {
                return null;
            }

            if (list.Count == 1)
            {
                return list[0];
            }
        }

        var joined = string.Join(',', values);
        return joined.Length == 0 ? null : joined;
    }

    private readonly record struct GetterState(object? Carrier, PropagatorGetterCallback Getter);

    private readonly record struct SetterState(object? Carrier, PropagatorSetterCallback Setter);
}
