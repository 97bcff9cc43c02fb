using System.Globalization;

namespace Correlation.Exporters.Otlp;

/// <summary>Which OTLP <c>AnyValue</c> case an attribute value maps to.</summary>
internal enum OtlpValueKind
{
    None,
    String,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    Text,
}

/// <summary>Maps .NET attribute values to OTLP <c>AnyValue</c> cases, shared by the protobuf and JSON writers.</summary>
internal static class OtlpValue
{
    /// <summary>
    /// string/char → string; bool → bool; every integral type that fits in int64 → int; float/double → double;
    /// byte[] → bytes; other arrays → array (elements mapped the same way); anything else → its invariant text.
    /// </summary>
    public static OtlpValueKind Classify(object? value) => value switch
    {
        null => OtlpValueKind.None,
        string => OtlpValueKind.String,
        bool => OtlpValueKind.Bool,
        int or long or short or sbyte or byte or ushort or uint => OtlpValueKind.Int,
        ulong u => u <= long.MaxValue ? OtlpValueKind.Int : OtlpValueKind.Text,
        double or float => OtlpValueKind.Double,
        byte[] => OtlpValueKind.Bytes,
        Array => OtlpValueKind.Array,
        _ => OtlpValueKind.Text,
    };

    public static long ToInt64(object value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        sbyte sb => sb,
        byte b => b,
        ushort us => us,
        uint ui => ui,
        ulong ul => (long)ul,
        _ => 0,
    };

    public static double ToDouble(object value) => value switch
    {
        double d => d,
        float f => f,
        _ => 0,
    };

    public static string ToText(object value) => value switch
    {
        char c => c.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
