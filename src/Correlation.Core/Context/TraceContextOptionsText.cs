namespace Correlation.Context;

/// <summary>
/// The text forms of <see cref="TraceContextOptions"/> values in configuration files, shared by the adapters' readers
/// (the Serilog configuration overload, the <c>Logging:Correlation</c> section of Microsoft.Extensions.Logging) so that
/// both accept the same texts. Each method only says whether a text is valid: a reader throws or reports as its
/// configuration source requires.
/// </summary>
internal static class TraceContextOptionsText
{
    /// <summary>The names <see cref="TraceFields"/> accepts, for error messages.</summary>
    public static readonly string FieldNames = string.Join(", ", Enum.GetNames<TraceFields>());

    /// <summary>A defined value of <typeparamref name="T"/> by name, ignoring case and surrounding spaces (never a number).</summary>
    public static bool TryParseName<T>(string text, out T value)
        where T : struct, Enum
    {
        var trimmed = text.AsSpan().Trim();
        value = default;
        return trimmed.Length > 0 && char.IsAsciiLetter(trimmed[0]) && Enum.TryParse(trimmed, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>Span fields named in a list separated by <c>,</c>, <c>|</c> or spaces; <paramref name="badPart"/> is the first name not known.</summary>
    public static bool TryParseFields(string text, out TraceFields fields, out string? badPart)
    {
        fields = TraceFields.None;
        foreach (var part in text.Split([',', '|', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseName<TraceFields>(part, out var field))
            {
                badPart = part;
                return false;
            }

            fields |= field;
        }

        badPart = null;
        return true;
    }

    /// <summary>Whether <paramref name="fields"/> is exactly one span field (a key of <see cref="TraceContextOptions.Names"/>).</summary>
    public static bool IsSingleField(TraceFields fields) => fields != TraceFields.None && (fields & (fields - 1)) == 0;

    /// <summary>An allow-list entry, <c>key</c> or <c>key=fieldName</c>; <paramref name="fieldName"/> is <see langword="null"/> without <c>=</c>.</summary>
    public static bool TryParseListItem(string? item, out string key, out string? fieldName)
    {
        var text = item?.Trim() ?? string.Empty;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        key = (equals < 0 ? text : text[..equals]).Trim();
        fieldName = equals < 0 ? null : text[(equals + 1)..].Trim();
        return key.Length > 0 && fieldName is not { Length: 0 };
    }
}
