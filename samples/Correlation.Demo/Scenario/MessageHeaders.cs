using System.Diagnostics;
using System.Text;

namespace Correlation.Demo.Scenario;

/// <summary>Writes and reads the trace context and baggage of a message's byte[] headers.</summary>
internal static class MessageHeaders
{
    /// <summary>Writes the producer span's context (traceparent, tracestate, baggage) into the headers.</summary>
    /// <param name="producer">The producer span.</param>
    /// <param name="headers">The message headers.</param>
    public static void Inject(Activity? producer, Dictionary<string, byte[]> headers) =>
        DistributedContextPropagator.Current.Inject(producer, headers, static (carrier, key, value) =>
        {
            if (carrier is Dictionary<string, byte[]> target)
            {
                target[key] = Encoding.UTF8.GetBytes(value);
            }
        });

    /// <summary>Reads the producer's context from the headers.</summary>
    /// <param name="headers">The message headers.</param>
    /// <returns>The producer span's context (default when absent or invalid) and the baggage it carried.</returns>
    public static (ActivityContext Context, IReadOnlyList<KeyValuePair<string, string?>> Baggage) Extract(Dictionary<string, byte[]> headers)
    {
        var propagator = DistributedContextPropagator.Current;
        propagator.ExtractTraceIdAndState(headers, Getter, out var traceParent, out var traceState);
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context);
        var baggage = propagator.ExtractBaggage(headers, Getter);
        return (context, baggage is null ? [] : [.. baggage]);
    }

    private static void Getter(object? carrier, string fieldName, out string? fieldValue, out IEnumerable<string>? fieldValues)
    {
        fieldValues = null;
        fieldValue = carrier is Dictionary<string, byte[]> headers && headers.TryGetValue(fieldName, out var bytes)
            ? Encoding.UTF8.GetString(bytes)
            : null;
    }
}
