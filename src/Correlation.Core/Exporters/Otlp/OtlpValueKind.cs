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

    /// <summary>
    /// Runs the user code a value's text needs (<c>ToString</c>) before anything of the attribute is written, so a
    /// throwing <c>ToString</c> costs that attribute only: <see langword="false"/> means skip it and count it dropped.
    /// A Text value becomes its string; an array holding Text or nested arrays becomes an <c>object?[]</c> with those
    /// elements already turned into strings (written exactly as before).
    /// </summary>
    public static bool TryPrepare(ref object value, ref OtlpValueKind kind)
    {
        try
        {
            if (kind == OtlpValueKind.Text)
            {
                value = ToText(value);
                kind = OtlpValueKind.String;
            }
            else if (kind == OtlpValueKind.Array && value is not (string[] or long[] or int[] or double[] or bool[]))
            {
                value = PrepareElements((Array)value);
            }

            return true;
        }
        catch (Exception ex)
        {
            Diagnostics.CorrelationEventSource.Log.Swallowed("OtlpExporter attribute value ToString", ex);
            return false;
        }
    }

    public static string ToText(object value) => value switch
    {
        char c => c.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static Array PrepareElements(Array array)
    {
        object?[]? copy = null;
        var i = 0;
        foreach (var item in array)
        {
            var kind = Classify(item);
            if (kind is OtlpValueKind.Text or OtlpValueKind.Array)
            {
                copy ??= CopyOf(array);
                copy[i] = ToText(item!);
            }

            i++;
        }

        return copy ?? array;
    }

    private static object?[] CopyOf(Array array)
    {
        var copy = new object?[array.Length];
        var i = 0;
        foreach (var item in array)
        {
            copy[i++] = item;
        }

        return copy;
    }
}
