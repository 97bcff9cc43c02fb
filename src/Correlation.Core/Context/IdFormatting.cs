using System.Globalization;

namespace Correlation.Context;

/// <summary>Id conversions that the runtime does not provide.</summary>
internal static class IdFormatting
{
    /// <summary>
    /// The lower 64 bits of a hex id (the last 16 hex characters) as an unsigned decimal: the form Datadog's log
    /// pipeline joins on. <c>4bf92f3577b34da6a3ce929d0e0e4736</c> gives <c>11803532876627986230</c>.
    /// </summary>
    public static string ToDecimalLower64(string hex)
    {
        var low = hex.AsSpan(Math.Max(0, hex.Length - 16));
        return ulong.Parse(low, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
