using System.Buffers;
using System.Text;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>Parser of the W3C <c>baggage</c> header (SPEC 8-9), shared by every propagator face.</summary>
internal static class BaggageFormat
{
    public const string Header = "baggage";

    // https://www.w3.org/TR/baggage/#limits: propagate at least 64 members and 8192 bytes.
    public const int MaxMembers = 64;
    public const int MaxBytes = 8192;

    // Members past this many header chars are dropped unread, so a hostile header costs bounded work (SPEC 3).
    public const int MaxScan = 64 * 1024;

    internal const string Component = "Correlation.Propagation.Baggage";

    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly SearchValues<char> s_token = SearchValues.Create(TokenChars);

    // baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
    private static readonly SearchValues<char> s_octets = SearchValues.Create(
        "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // Chars sent unencoded in a value: baggage octets except '%' itself.
    private static readonly SearchValues<char> s_unencoded = SearchValues.Create(
        "!#$&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    // What a properties string may hold when it is sent again: octets, ';' between properties, OWS was removed.
    private static readonly SearchValues<char> s_propertyChars = SearchValues.Create(
        "!#$%&'()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    public static bool IsToken(ReadOnlySpan<char> key) => !key.IsEmpty && !key.ContainsAnyExcept(s_token);

    /// <summary>Parses a (joined) baggage header. Never throws; invalid members are skipped, excess members dropped whole.</summary>
    public static PropagatedBaggage Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return PropagatedBaggage.Empty;
        }

        var text = header.AsSpan();
        var dropped = 0;
        if (text.Length > MaxScan)
        {
            var cut = text[..MaxScan].LastIndexOf(',');
            text = cut < 0 ? default : text[..cut];
            dropped++;
        }

        BaggageMember[]? members = null;
        var count = 0;
        var bytes = 0;

        // Each kept member's header length, so a duplicate that replaces it is measured against the 8192-byte limit.
        Span<int> lengths = stackalloc int[MaxMembers];
        while (!text.IsEmpty)
        {
            var comma = text.IndexOf(',');
            var member = (comma < 0 ? text : text[..comma]).Trim(" \t");
            text = comma < 0 ? default : text[(comma + 1)..];
            if (member.IsEmpty)
            {
                continue;
            }

            if (!TrySplitMember(member, out var key, out var value, out var properties, out var propertiesCanonical))
            {
                dropped++;
                continue;
            }

            var existing = -1;
            for (var i = 0; i < count; i++)
            {
                if (key.SequenceEqual(members![i].Key))
                {
                    existing = i;
                    break;
                }
            }

            if (existing < 0 && (count == MaxMembers || bytes + member.Length + (count > 0 ? 1 : 0) > MaxBytes))
            {
                dropped++;
                continue;
            }

            // Properties are remembered against the key instance (and an empty value is always the same instance), so a
            // member with properties needs a key of its own, and one without must not reuse a key that has some: the
            // cached key is shared by later extractions on this thread, a repeated key's may carry the loser's properties.
            var keyText = properties.IsEmpty ? KeyCache.Get(key) : new string(key);
            var decoded = Decode(value);
            string? propertiesText = properties.IsEmpty ? null : propertiesCanonical ? new string(properties) : NormalizeProperties(properties);
            var parsed = new BaggageMember(keyText, decoded, propertiesText);
            if (propertiesText is not null)
            {
                BaggagePropertiesTable.Remember(keyText, decoded, propertiesText);
            }

            if (existing >= 0)
            {
                // SPEC 9: the last duplicate wins; when the winner no longer fits the byte limit, the member is dropped whole.
                var replaced = bytes - lengths[existing] + member.Length;
                if (replaced <= MaxBytes)
                {
                    members![existing] = parsed;
                    lengths[existing] = member.Length;
                    bytes = replaced;
                    continue;
                }

                bytes -= lengths[existing] + (count > 1 ? 1 : 0);
                count--;
                Array.Copy(members!, existing + 1, members!, existing, count - existing);
                members![count] = default;
                lengths[(existing + 1)..(count + 1)].CopyTo(lengths[existing..]);
                dropped++;
                continue;
            }

            members ??= new BaggageMember[Math.Min(MaxMembers, text.Count(',') + count + 1)];
            if (count == members.Length)
            {
                Array.Resize(ref members, Math.Min(MaxMembers, count * 2));
            }

            lengths[count] = member.Length;
            members[count++] = parsed;
            bytes += member.Length + (count > 1 ? 1 : 0);
        }

        if (dropped > 0 && CorrelationEventSource.Log.IsEnabled())
        {
            CorrelationEventSource.Log.Dropped(Component, dropped, "invalid baggage members, or beyond 64 members / 8192 bytes");
        }

        return count == 0 ? PropagatedBaggage.Empty : new PropagatedBaggage(members!, count);
    }

    /// <summary>Splits a trimmed, non-empty member into key, raw value and raw properties, validating all three.</summary>
    private static bool TrySplitMember(ReadOnlySpan<char> member, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value,
        out ReadOnlySpan<char> properties, out bool propertiesCanonical)
    {
        key = default;
        value = default;
        properties = default;
        propertiesCanonical = true;
        var semicolon = member.IndexOf(';');
        var pair = semicolon < 0 ? member : member[..semicolon];
        var equals = pair.IndexOf('=');
        if (equals < 0)
        {
            return false;
        }

        key = pair[..equals].TrimEnd(" \t");
        value = pair[(equals + 1)..].Trim(" \t");
        if (!IsToken(key) || value.ContainsAnyExcept(s_octets))
        {
            return false;
        }

        if (semicolon < 0)
        {
            return true;
        }

        properties = member[(semicolon + 1)..];
        var rest = properties;
        var any = false;
        while (true)
        {
            var next = rest.IndexOf(';');
            var raw = next < 0 ? rest : rest[..next];
            var property = raw.Trim(" \t");
            if (property.Length != raw.Length)
            {
                propertiesCanonical = false;
            }

            if (property.IsEmpty)
            {
                propertiesCanonical = false;
            }
            else
            {
                var eq = property.IndexOf('=');
                if (eq < 0)
                {
                    if (!IsToken(property))
                    {
                        return false;
                    }
                }
                else
                {
                    var propertyKey = property[..eq];
                    var propertyValue = property[(eq + 1)..];
                    var trimmedKey = propertyKey.TrimEnd(" \t");
                    var trimmedValue = propertyValue.TrimStart(" \t");
                    if (trimmedKey.Length != propertyKey.Length || trimmedValue.Length != propertyValue.Length)
                    {
                        propertiesCanonical = false;
                    }

                    if (!IsToken(trimmedKey) || trimmedValue.ContainsAnyExcept(s_octets))
                    {
                        return false;
                    }
                }

                any = true;
            }

            if (next < 0)
            {
                break;
            }

            rest = rest[(next + 1)..];
        }

        if (!any)
        {
            properties = default;
        }

        return true;
    }

    private static string NormalizeProperties(ReadOnlySpan<char> properties)
    {
        var builder = new StringBuilder(properties.Length);
        while (true)
        {
            var next = properties.IndexOf(';');
            var property = (next < 0 ? properties : properties[..next]).Trim(" \t");
            if (!property.IsEmpty)
            {
                if (builder.Length > 0)
                {
                    builder.Append(';');
                }

                var eq = property.IndexOf('=');
                if (eq < 0)
                {
                    builder.Append(property);
                }
                else
                {
                    builder.Append(property[..eq].TrimEnd(" \t")).Append('=').Append(property[(eq + 1)..].TrimStart(" \t"));
                }
            }

            if (next < 0)
            {
                return builder.ToString();
            }

            properties = properties[(next + 1)..];
        }
    }

    /// <summary>Percent-decodes UTF-8 (SPEC 8): <c>+</c> stays <c>+</c>; a bad escape or bad UTF-8 becomes U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (value.IndexOf('%') < 0)
        {
            return new string(value);
        }

        byte[]? rented = null;
        var bytes = value.Length <= 512 ? stackalloc byte[value.Length * 3] : (rented = ArrayPool<byte>.Shared.Rent(value.Length * 3));
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c != '%')
            {
                bytes[length++] = (byte)c;
                continue;
            }

            var high = i + 2 < value.Length ? HexValue(value[i + 1]) : -1;
            var low = high >= 0 ? HexValue(value[i + 2]) : -1;
            if (low < 0)
            {
                // Not an escape: U+FFFD in UTF-8.
                bytes[length++] = 0xEF;
                bytes[length++] = 0xBF;
                bytes[length++] = 0xBD;
                continue;
            }

            bytes[length++] = (byte)((high << 4) | low);
            i += 2;
        }

        // Encoding.UTF8 replaces invalid sequences with U+FFFD and never throws.
        var result = Encoding.UTF8.GetString(bytes[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>
    /// Whether a properties string can be sent as is: <c>;</c>-separated properties, each a token key, optionally
    /// <c>=</c> and a value of baggage octets, with no whitespace. Anything else would make the whole member invalid
    /// for the receiver, so such properties are not sent (the member is).
    /// </summary>
    public static bool IsSendableProperties(string properties)
    {
        var rest = properties.AsSpan();
        if (rest.ContainsAnyExcept(s_propertyChars))
        {
            return false;
        }

        while (true)
        {
            // Between two ';' only octets remain, so a value is valid once the key is.
            var next = rest.IndexOf(';');
            var property = next < 0 ? rest : rest[..next];
            var equals = property.IndexOf('=');
            if (!IsToken(equals < 0 ? property : property[..equals]))
            {
                return false;
            }

            if (next < 0)
            {
                return true;
            }

            rest = rest[(next + 1)..];
        }
    }

    /// <summary>Appends a value percent-encoded as UTF-8.</summary>
    public static void AppendEncoded(ref CharBuffer buffer, string value)
    {
        var span = value.AsSpan();
        Span<byte> utf8 = stackalloc byte[4];
        while (!span.IsEmpty)
        {
            var plain = span.IndexOfAnyExcept(s_unencoded);
            if (plain < 0)
            {
                buffer.Append(span);
                return;
            }

            buffer.Append(span[..plain]);
            span = span[plain..];
            Rune.DecodeFromUtf16(span, out var rune, out var consumed);
            var written = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < written; i++)
            {
                buffer.Append('%');
                buffer.Append("0123456789ABCDEF"[utf8[i] >> 4]);
                buffer.Append("0123456789ABCDEF"[utf8[i] & 0xF]);
            }

            span = span[consumed..];
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
