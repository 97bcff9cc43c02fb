using System.Diagnostics;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>Test helpers: headers in, context out, and back.</summary>
internal static class Headers
{
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string SpanId = "00f067aa0ba902b7";
    public const string Valid = "00-" + TraceId + "-" + SpanId + "-01";

    public static PropagatedContext Extract(string? traceParent, string? traceState = null, string? baggage = null)
        => CorrelationPropagator.Default.Extract(Dictionary(traceParent, traceState, baggage), PropagationCarriers.DictionaryGetter);

    public static IDictionary<string, string> Dictionary(string? traceParent, string? traceState = null, string? baggage = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (traceParent is not null)
        {
            headers["traceparent"] = traceParent;
        }

        if (traceState is not null)
        {
            headers["tracestate"] = traceState;
        }

        if (baggage is not null)
        {
            headers["baggage"] = baggage;
        }

        return headers;
    }

    public static Dictionary<string, string> Inject(in PropagatedContext context)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        CorrelationPropagator.Default.Inject(context, headers, PropagationCarriers.DictionarySetter);
        return headers;
    }

    public static ActivityContext Context(string traceState = "", ActivityTraceFlags flags = ActivityTraceFlags.Recorded)
        => new(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(SpanId), flags, traceState.Length == 0 ? null : traceState);

    public static string? TraceStateOf(string traceState) => Extract(Valid, traceState).ActivityContext.TraceState;

    public static PropagatedBaggage BaggageOf(string baggage) => Extract(null, null, baggage).Baggage;
}
