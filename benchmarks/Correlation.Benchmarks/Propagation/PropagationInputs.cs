using System.Diagnostics;

namespace Correlation.Benchmarks.Propagation;

/// <summary>The inputs every propagator gets: a traceparent, a 2-member tracestate and 1 baggage item.</summary>
internal static class PropagationInputs
{
    public const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    public const string TraceState = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
    public const string BaggageKey = "userId";
    public const string BaggageValue = "alice";
    public const string Baggage = BaggageKey + "=" + BaggageValue;

    public static Dictionary<string, string> Headers() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["traceparent"] = TraceParent,
        ["tracestate"] = TraceState,
        ["baggage"] = Baggage,
    };

    /// <summary>A started span with the same trace context and one baggage item; it is left current for no one.</summary>
    public static Activity Span()
    {
        var activity = new Activity("client");
        activity.SetParentId(ActivityContext.Parse(TraceParent, TraceState).TraceId, ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded);
        activity.TraceStateString = TraceState;
        activity.AddBaggage(BaggageKey, BaggageValue);
        activity.Start();
        Activity.Current = null;
        return activity;
    }

    public static readonly DistributedContextPropagator.PropagatorGetterCallback DotNetGetter =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((Dictionary<string, string>)carrier!).TryGetValue(name, out var found) ? found : null;
        };

    public static readonly DistributedContextPropagator.PropagatorSetterCallback DotNetSetter =
        static (object? carrier, string name, string value) => ((Dictionary<string, string>)carrier!)[name] = value;
}
