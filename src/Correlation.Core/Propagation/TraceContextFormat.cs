using System.Buffers;
using System.Diagnostics;

namespace Correlation.Propagation;

/// <summary>Parser and writer of the W3C Trace Context headers (Level 2), shared by every propagator face.</summary>
internal static class TraceContextFormat
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    // https://www.w3.org/TR/trace-context-2/#tracestate-limits: at most 32 members; vendors keep at least 512 chars.
    public const int MaxTraceStateMembers = 32;
    public const int InjectTraceStateLimit = 512;
    public const int LongEntryLength = 128;

    // A valid tracestate is at most 32 * (256 + 1 + 256) chars plus separators; empty members and whitespace can make a
    // header longer, so anything past this bound is treated as hostile and dropped instead of scanned (SPEC 3).
    public const int MaxTraceStateScan = 32 * 1024;

    private const int MaxKeyLength = 256;
    private const int MaxValueLength = 256;

    private static readonly SearchValues<char> s_lowerHex = SearchValues.Create("0123456789abcdef");
    private static readonly SearchValues<char> s_keyChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_-*/@");
    // Printable ASCII except ',' and '=' (a SearchValues: ContainsAnyExceptInRange allocates on .NET 10).
    private static readonly SearchValues<char> s_valueChars = SearchValues.Create(
        " !\"#$%&'()*+-./0123456789:;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
    private static readonly string[] s_flagSuffixes = ["-00", "-01", "-02", "-03"];

    [ThreadStatic]
    private static InjectionMemo? t_lastInjection;

    /// <summary>Parses a traceparent (SPEC 4): version 00 exactly, higher versions by their first 55 chars.</summary>
    public static bool TryParseTraceParent(ReadOnlySpan<char> value, out ActivityTraceId traceId, out ActivitySpanId spanId, out ActivityTraceFlags flags)
    {
        traceId = default;
        spanId = default;
        flags = ActivityTraceFlags.None;
        value = value.Trim(" \t");
        if (value.Length < 55)
        {
            return false;
        }

        var v0 = value[0];
        var v1 = value[1];
        if (!IsLowerHex(v0) || !IsLowerHex(v1) || (v0 == 'f' && v1 == 'f'))
        {
            return false;
        }

        if (v0 == '0' && v1 == '0')
        {
            if (value.Length != 55)
            {
                return false;
            }
        }
        else if (value.Length > 55 && (value[55] != '-' || value[56..].Contains(',')))
        {
            // A comma can only come from joining two header fields, and two traceparent fields are invalid (SPEC 4).
            return false;
        }

        if (value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var trace = value.Slice(3, 32);
        var span = value.Slice(36, 16);
        var flagChars = value.Slice(53, 2);
        if (trace.ContainsAnyExcept(s_lowerHex) || span.ContainsAnyExcept(s_lowerHex) || flagChars.ContainsAnyExcept(s_lowerHex))
        {
            return false;
        }

        if (!trace.ContainsAnyExcept('0') || !span.ContainsAnyExcept('0'))
        {
            return false;
        }

        traceId = ActivityTraceId.CreateFromString(trace);
        spanId = ActivitySpanId.CreateFromString(span);

        // SPEC 7: bit 0 sampled, bit 1 random; every other bit is zeroed.
        flags = (ActivityTraceFlags)(HexValue(flagChars[1]) & 0x3);
        return true;
    }

    /// <summary>
    /// The canonical version-00 form of a traceparent that <see cref="TryParseTraceParent"/> accepted: the input itself
    /// when it already is canonical (no allocation), otherwise a new string.
    /// </summary>
    public static string Canonical(string raw, ActivityTraceId traceId, ActivitySpanId spanId, ActivityTraceFlags flags)
    {
        var span = raw.AsSpan();
        if (span.Length == 55 && span[0] == '0' && span[1] == '0' && span[53] == '0' && span[54] == (char)('0' + (int)flags))
        {
            return raw;
        }

        return Format(traceId, spanId, flags);
    }

    /// <summary>Writes a version-00 traceparent.</summary>
    public static string Format(ActivityTraceId traceId, ActivitySpanId spanId, ActivityTraceFlags flags)
        => string.Concat("00-", traceId.ToHexString(), "-", spanId.ToHexString(), s_flagSuffixes[(int)flags & 0x3]);

    /// <summary>The traceparent of an activity, reusing <see cref="Activity.Id"/> when it already has the right form.</summary>
    public static string? Format(Activity activity)
    {
        if (activity.IdFormat != ActivityIdFormat.W3C)
        {
            return null;
        }

        var flags = (int)activity.ActivityTraceFlags & 0x3;
        if ((flags & 0x2) == 0)
        {
            flags |= InheritedRandomFlag(activity);
        }

        var id = activity.Id;
        if (id is { Length: 55 } && id[0] == '0' && id[1] == '0' && id[53] == '0' && id[54] == (char)('0' + flags))
        {
            return id;
        }

        var traceId = activity.TraceId;
        var spanId = activity.SpanId;
        return traceId == default || spanId == default ? null : Format(traceId, spanId, (ActivityTraceFlags)flags);
    }

    /// <summary>
    /// The random flag (bit 1) of the nearest ancestor in the same trace, or 0. The flag describes the trace id, so every
    /// span of the trace carries it (https://www.w3.org/TR/trace-context-2/#random-trace-id-flag); but .NET keeps it only
    /// on a span started under an <see cref="ActivityContext"/>: one started under a local parent that the sampler
    /// records gets exactly <see cref="ActivityTraceFlags.Recorded"/>, so the HttpClient span under a server span would
    /// send the flag no more. A walk of the parent chain: no allocation.
    /// </summary>
    internal static int InheritedRandomFlag(Activity activity)
    {
        var traceId = activity.TraceId;
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.TraceId != traceId)
            {
                return 0;
            }

            if (((int)parent.ActivityTraceFlags & 0x2) != 0)
            {
                return 0x2;
            }
        }

        return 0;
    }

    /// <summary>
    /// <paramref name="context"/>, the context of <paramref name="activity"/>, with the random flag of its trace set when
    /// .NET dropped it (see <see cref="InheritedRandomFlag"/>): what every face injects for that span.
    /// </summary>
    internal static ActivityContext WithInheritedRandomFlag(ActivityContext context, Activity activity)
        => ((int)context.TraceFlags & 0x2) != 0 || InheritedRandomFlag(activity) == 0
            ? context
            : new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags | (ActivityTraceFlags)0x2, context.TraceState, context.IsRemote);

    /// <summary>
    /// Validates a tracestate (SPEC 6). Returns the input itself when it is already canonical (no empty members, no
    /// whitespace around members, no duplicate keys), a rebuilt string when it is valid but not canonical, and
    /// <see langword="null"/> when it is empty or invalid (the whole tracestate is dropped).
    /// </summary>
    public static string? NormalizeTraceState(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxTraceStateScan)
        {
            return null;
        }

        return IsCanonical(value) ? value : NormalizeFully(value);
    }

    /// <summary>The full validation behind <see cref="NormalizeTraceState"/>, for any input within the scan bound.</summary>
    internal static string? NormalizeFully(string value)
    {
        Span<int> starts = stackalloc int[MaxTraceStateMembers];
        Span<int> lengths = stackalloc int[MaxTraceStateMembers];
        Span<int> keyLengths = stackalloc int[MaxTraceStateMembers];
        var count = 0;
        var canonical = true;
        var text = value.AsSpan();
        var position = 0;
        while (position <= text.Length)
        {
            var rest = text[position..];
            var comma = rest.IndexOf(',');
            var raw = comma < 0 ? rest : rest[..comma];
            var member = raw.Trim(" \t");
            if (member.Length != raw.Length)
            {
                canonical = false;
            }

            if (member.IsEmpty)
            {
                // Empty members are allowed and skipped; a lone empty header is simply no tracestate.
                if (comma >= 0 || position > 0)
                {
                    canonical = false;
                }
            }
            else
            {
                var keyLength = ValidateMember(member);
                if (keyLength < 0)
                {
                    return null;
                }

                var start = position + (raw.Length - raw.TrimStart(" \t").Length);
                var duplicate = false;
                for (var i = 0; i < count; i++)
                {
                    if (keyLengths[i] == keyLength && text.Slice(starts[i], keyLength).SequenceEqual(member[..keyLength]))
                    {
                        duplicate = true;
                        break;
                    }
                }

                if (duplicate)
                {
                    // Keep one: the leftmost, the most recently updated by the W3C's ordering rule.
                    canonical = false;
                }
                else
                {
                    if (count == MaxTraceStateMembers)
                    {
                        return null;
                    }

                    starts[count] = start;
                    lengths[count] = member.Length;
                    keyLengths[count] = keyLength;
                    count++;
                }
            }

            if (comma < 0)
            {
                break;
            }

            position += comma + 1;
        }

        if (count == 0)
        {
            return null;
        }

        if (canonical)
        {
            return value;
        }

        return Join(text, starts[..count], lengths[..count], skip: default);
    }

    /// <summary>
    /// The tracestate to send: validated, then kept within 512 chars by removing whole entries, those longer than
    /// 128 chars first, then from the right (SPEC 6). <see langword="null"/> when nothing valid is left.
    /// </summary>
    public static string? ForInjection(string? traceState)
    {
        if (string.IsNullOrEmpty(traceState))
        {
            return null;
        }

        // Child spans share their parent's tracestate string, so the last answer is usually the one asked for again.
        var memo = t_lastInjection;
        if (memo is not null && ReferenceEquals(memo.Input, traceState))
        {
            return memo.Output;
        }

        var output = Truncate(traceState);
        t_lastInjection = new InjectionMemo(traceState, output);
        return output;
    }

    private static string? Truncate(string traceState)
    {
        var normalized = NormalizeTraceState(traceState);
        if (normalized is null || normalized.Length <= InjectTraceStateLimit)
        {
            return normalized;
        }

        Span<int> starts = stackalloc int[MaxTraceStateMembers];
        Span<int> lengths = stackalloc int[MaxTraceStateMembers];
        var count = 0;
        var text = normalized.AsSpan();
        var position = 0;
        while (count < MaxTraceStateMembers)
        {
            var comma = text[position..].IndexOf(',');
            var length = comma < 0 ? text.Length - position : comma;
            starts[count] = position;
            lengths[count] = length;
            count++;
            if (comma < 0)
            {
                break;
            }

            position += comma + 1;
        }

        Span<bool> skip = stackalloc bool[count];
        var total = normalized.Length;
        for (var i = count - 1; i >= 0 && total > InjectTraceStateLimit; i--)
        {
            if (lengths[i] > LongEntryLength)
            {
                skip[i] = true;
                total -= lengths[i] + 1;
            }
        }

        for (var i = count - 1; i >= 0 && total > InjectTraceStateLimit; i--)
        {
            if (!skip[i])
            {
                skip[i] = true;
                total -= lengths[i] + 1;
            }
        }

        return Join(text, starts[..count], lengths[..count], skip);
    }

    private static string? Join(ReadOnlySpan<char> text, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, ReadOnlySpan<bool> skip)
    {
        var total = 0;
        var kept = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            if (skip.IsEmpty || !skip[i])
            {
                total += lengths[i];
                kept++;
            }
        }

        if (kept == 0)
        {
            return null;
        }

        total += kept - 1;
        var buffer = total <= 1024 ? stackalloc char[total] : new char[total];
        var written = 0;
        for (var i = 0; i < starts.Length; i++)
        {
            if (!skip.IsEmpty && skip[i])
            {
                continue;
            }

            if (written > 0)
            {
                buffer[written++] = ',';
            }

            text.Slice(starts[i], lengths[i]).CopyTo(buffer[written..]);
            written += lengths[i];
        }

        return new string(buffer[..written]);
    }

    /// <summary>
    /// One scalar pass that recognises the common case: a valid tracestate with no whitespace, no empty members, at most
    /// 32 members and (by a 64-bit filter on the key hashes) no duplicate keys. Anything else, valid or not, returns
    /// <see langword="false"/> and takes the full path, which decides.
    /// </summary>
    internal static bool IsCanonical(string value)
    {
        var classes = CharClasses;
        var text = value.AsSpan();
        if (text.IsEmpty)
        {
            return false;
        }

        var position = 0;
        var members = 0;
        var seen = 0UL;
        while (true)
        {
            var c = text[position];
            if (c >= 128 || (classes[c] & KeyFirstClass) == 0)
            {
                return false;
            }

            var keyStart = position;
            var hash = 0U;
            while (true)
            {
                c = text[position];
                if (c == '=')
                {
                    break;
                }

                if (c >= 128 || (classes[c] & KeyClass) == 0 || ++position == text.Length)
                {
                    return false;
                }

                hash = (hash * 31) + c;
            }

            var keyLength = position - keyStart;
            var valueStart = ++position;
            while (position < text.Length && (c = text[position]) != ',')
            {
                if (c >= 128 || (classes[c] & ValueClass) == 0)
                {
                    return false;
                }

                position++;
            }

            var valueLength = position - valueStart;
            var bit = 1UL << (int)(hash & 63);
            if (keyLength > MaxKeyLength || valueLength == 0 || valueLength > MaxValueLength || text[position - 1] == ' '
                || ++members > MaxTraceStateMembers || (seen & bit) != 0)
            {
                return false;
            }

            seen |= bit;
            if (position == text.Length)
            {
                return true;
            }

            if (++position == text.Length)
            {
                // A trailing comma: an empty member, which the full path removes.
                return false;
            }
        }
    }

    private const byte KeyFirstClass = 1;
    private const byte KeyClass = 2;
    private const byte ValueClass = 4;

    // For each ASCII char: 1 = may start a key (lcalpha, DIGIT), 2 = key char, 4 = value char (0x20-0x7E except ',' '=').
    private static ReadOnlySpan<byte> CharClasses =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 0, 6, 4, 6, // ' ' ! " # $ % & ' ( ) * + , - . /
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 4, 4, 4, 0, 4, 4, // 0-9 : ; < = > ?
        6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, // @ A-O
        4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, // P-Z [ \ ] ^ _
        4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // ` a-o
        7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 4, 4, 4, 4, 0, // p-z { | } ~ DEL
    ];

    /// <summary>Returns the key length of a trimmed, non-empty member, or -1 when the member is invalid.</summary>
    private static int ValidateMember(ReadOnlySpan<char> member)
    {
        var equals = member.IndexOf('=');
        if (equals <= 0 || equals > MaxKeyLength)
        {
            return -1;
        }

        var key = member[..equals];
        var first = key[0];
        if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9')) || key.ContainsAnyExcept(s_keyChars))
        {
            return -1;
        }

        var memberValue = member[(equals + 1)..];
        if (memberValue.IsEmpty || memberValue.Length > MaxValueLength || memberValue[^1] == ' '
            || memberValue.ContainsAnyExcept(s_valueChars))
        {
            return -1;
        }

        return equals;
    }

    private sealed record InjectionMemo(string Input, string? Output);

    private static bool IsLowerHex(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');

    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'a' + 10;
}
