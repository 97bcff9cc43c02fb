using System.Runtime.CompilerServices;

namespace Correlation.Propagation;

/// <summary>
/// Remembers the properties of extracted baggage members. Neither <see cref="System.Diagnostics.Activity.Baggage"/>
/// nor OpenTelemetry's <c>Baggage</c> can hold properties, so they ride on the identity of the key and value strings
/// that extraction created: when the same key instance still carries the same value instance at injection time, the
/// properties are sent again; a value the application changed loses them. Entries die with the key string.
/// </summary>
internal static class BaggagePropertiesTable
{
    private static readonly ConditionalWeakTable<string, Entry> s_table = new();
    private static volatile bool s_any;

    public static void Remember(string key, string value, string properties)
    {
        s_table.AddOrUpdate(key, new Entry(value, properties));
        s_any = true;
    }

    public static string? Lookup(string key, string value)
    {
        if (!s_any)
        {
            return null;
        }

        return s_table.TryGetValue(key, out var entry) && ReferenceEquals(entry.Value, value) ? entry.Properties : null;
    }

    private sealed class Entry(string value, string properties)
    {
        public string Value { get; } = value;

        public string Properties { get; } = properties;
    }
}
