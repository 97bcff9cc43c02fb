using System.Diagnostics;

namespace Correlation.Context;

/// <summary>
/// The one view of baggage that every adapter and propagator reads: OpenTelemetry's <c>Baggage.Current</c> merged with
/// <see cref="Activity.Baggage"/> of the span and its ancestors. When both hold a key, OpenTelemetry's
/// <c>Baggage.Current</c> wins: it is the value the application set explicitly through the baggage API, and the value an
/// OpenTelemetry propagator would send downstream. Within the Activity chain the innermost span's value wins.
/// </summary>
public static class TraceBaggage
{
    /// <summary>Gets a baggage item of the current context, or <see langword="null"/> when absent (always for an empty key).</summary>
    /// <param name="key">The baggage key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? GetItem(string key) => GetItem(Activity.Current, key);

    /// <summary>Gets a baggage item as seen from <paramref name="activity"/>, or <see langword="null"/> when absent.</summary>
    /// <param name="activity">The activity whose chain is searched after OpenTelemetry's baggage, or <see langword="null"/>.</param>
    /// <param name="key">The baggage key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? GetItem(Activity? activity, string key) => GetItem(OpenTelemetry.Baggage.Current, activity, key);

    /// <summary>The merge rule over a given OpenTelemetry baggage (one captured earlier) instead of the current one.</summary>
    internal static string? GetItem(OpenTelemetry.Baggage baggage, Activity? activity, string key)
    {
        // No baggage key is empty (W3C Baggage), and OpenTelemetry's lookup throws on one: nothing to find, no throw.
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var value = baggage.GetBaggage(key);
        if (value is not null || activity is null)
        {
            return value;
        }

        // The runtime's own lookup allocates an iterator per call; this walks the same lists without allocating.
        return ActivityBaggageReader.Find(activity, key);
    }

    /// <summary>All baggage items visible from <paramref name="activity"/>, merged as described on <see cref="TraceBaggage"/>. Allocates.</summary>
    /// <param name="activity">The activity, or <see langword="null"/> for OpenTelemetry's baggage alone.</param>
    /// <returns>The items, OpenTelemetry's first, each key once.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> GetAll(Activity? activity) => GetAll(OpenTelemetry.Baggage.Current, activity);

    /// <summary>The merge rule over a given OpenTelemetry baggage (one captured earlier) instead of the current one.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> GetAll(OpenTelemetry.Baggage baggage, Activity? activity)
    {
        // The same walk as the baggage header writer's, so logs list exactly what is sent.
        var sink = new ListSink(new List<KeyValuePair<string, string>>());
        BaggageMerge.Walk(baggage, activity, ref sink);
        return sink.Items;
    }

    private readonly struct ListSink(List<KeyValuePair<string, string>> items) : BaggageMerge.ISink
    {
        public List<KeyValuePair<string, string>> Items => items;

        public void Visible(string key, string value) => items.Add(new KeyValuePair<string, string>(key, value));
    }
}
