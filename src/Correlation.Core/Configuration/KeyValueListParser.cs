using System.Text;

namespace Correlation.Configuration;

/// <summary>
/// Parses the <c>key=value,key=value</c> lists of OpenTelemetry's environment variables
/// (<c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>): split first, then percent-decode each
/// key and value. A decoding error rejects the whole list (OpenTelemetry SDK environment-variable specification).
/// </summary>
internal static class KeyValueListParser
{
    /// <summary>Returns false, with a reason, when any member cannot be decoded; empty members are skipped.</summary>
    public static bool TryParse(string? text, out List<KeyValuePair<string, string>> result, out string? error)
    {
        result = new List<KeyValuePair<string, string>>();
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var member in text.Split(','))
        {
            var trimmed = member.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"member '{trimmed}' is not key=value";
                result.Clear();
                return false;
            }

            if (!TryPercentDecode(trimmed.AsSpan(0, eq).Trim(), out var key) || key.Length == 0 ||
                !TryPercentDecode(trimmed.AsSpan(eq + 1).Trim(), out var value))
            {
                error = $"member '{trimmed}' has an invalid percent-encoding";
                result.Clear();
                return false;
            }

            result.Add(new KeyValuePair<string, string>(key, value));
        }

        return true;
    }

    /// <summary>Strict percent-decoding to UTF-8: a malformed escape or invalid UTF-8 is an error.</summary>
    public static bool TryPercentDecode(ReadOnlySpan<char> text, out string decoded)
    {
        if (text.IndexOf('%') < 0)
        {
            decoded = text.ToString();
            return true;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '%')
            {
                if (!IsHex(text, i + 1) || !IsHex(text, i + 2))
                {
                    decoded = string.Empty;
                    return false;
                }

                bytes[count++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 3;
                continue;
            }

            // Copy the whole run up to the next escape at once, so surrogate pairs stay together.
            var run = text[i..];
            var next = run.IndexOf('%');
            if (next >= 0)
            {
                run = run[..next];
            }

            count += Encoding.UTF8.GetBytes(run, bytes.AsSpan(count));
            i += run.Length;
        }

        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, count);
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = string.Empty;
            return false;
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text, int index) => index < text.Length && char.IsAsciiHexDigit(text[index]);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
