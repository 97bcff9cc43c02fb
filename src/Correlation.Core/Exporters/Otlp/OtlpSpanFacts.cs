using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Correlation.Exporters.Otlp;

/// <summary>What both writers derive the same way from an <see cref="Activity"/> (OTLP trace.proto semantics).</summary>
internal static class OtlpSpanFacts
{
    public const string StatusCodeTag = "otel.status_code";
    public const string StatusDescriptionTag = "otel.status_description";

    // Span.flags / Link.flags bits 8 and 9: "has is_remote" and "is_remote" (trace.proto SpanFlags).
    public const uint ContextHasIsRemoteMask = 0x100;
    public const uint ContextIsRemoteMask = 0x200;

    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>
    /// Turns an id's cached hex (<see cref="ActivityTraceId.ToHexString"/> allocates nothing) into its bytes. The
    /// runtime makes and checks these strings (lowercase hex, 32 or 16 chars), so 16 chars at a time are decoded
    /// without validation: each digit's value is <c>(c &amp; 0xF) + 9 * (c &gt;&gt; 6)</c>, and a
    /// multiply-add joins each pair of digits into a byte. Other lengths, or a CPU without SSSE3, use
    /// <see cref="Convert.FromHexString(ReadOnlySpan{char}, Span{byte}, out int, out int)"/>.
    /// </summary>
    public static void HexToBytes(string hex, Span<byte> destination)
    {
        if (Ssse3.IsSupported && (hex.Length == 32 || hex.Length == 16) && destination.Length >= hex.Length / 2)
        {
            ref var chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex.AsSpan()));
            ref var bytes = ref MemoryMarshal.GetReference(destination);
            DecodeSixteen(ref chars, ref bytes);
            if (hex.Length == 32)
            {
                DecodeSixteen(ref Unsafe.Add(ref chars, 16), ref Unsafe.Add(ref bytes, 8));
            }

            return;
        }

        Convert.FromHexString(hex, destination, out _, out _);
    }

    /// <summary>16 hex chars at <paramref name="chars"/> into 8 bytes at <paramref name="bytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecodeSixteen(ref ushort chars, ref byte bytes)
    {
        // In 16-bit lanes, where x86 has shifts and multiplies, then narrowed: '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66.
        var values = Vector128.Narrow(DigitValues(Vector128.LoadUnsafe(ref chars)), DigitValues(Vector128.LoadUnsafe(ref chars, 8)));
        var pairs = Ssse3.MultiplyAddAdjacent(values, Vector128.Create((short)0x0110).AsSByte());
        var packed = Sse2.PackUnsignedSaturate(pairs, pairs);
        Unsafe.WriteUnaligned(ref bytes, packed.AsUInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> DigitValues(Vector128<ushort> chars)
        => (chars & Vector128.Create((ushort)0x0F)) + (Vector128.ShiftRightLogical(chars, 6) * Vector128.Create((ushort)9));

    public static ulong ToUnixNanos(DateTime utc) => (ulong)(utc.Ticks - UnixEpochTicks) * 100UL;

    public static ulong ToUnixNanos(DateTimeOffset time) => (ulong)(time.UtcTicks - UnixEpochTicks) * 100UL;

    public static ulong StartNanos(Activity activity) => ToUnixNanos(activity.StartTimeUtc);

    public static ulong EndNanos(Activity activity) => ToUnixNanos(activity.StartTimeUtc) + ((ulong)activity.Duration.Ticks * 100UL);

    /// <summary>OTLP SpanKind: UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5.</summary>
    public static int Kind(Activity activity) => (int)activity.Kind + 1;

    public static uint SpanFlags(Activity activity)
    {
        var flags = ((uint)activity.ActivityTraceFlags & 0xFF) | ContextHasIsRemoteMask;
        return activity.HasRemoteParent ? flags | ContextIsRemoteMask : flags;
    }

    public static uint LinkFlags(in ActivityContext context)
    {
        var flags = ((uint)context.TraceFlags & 0xFF) | ContextHasIsRemoteMask;
        return context.IsRemote ? flags | ContextIsRemoteMask : flags;
    }

    public static bool IsStatusTag(string? key) =>
        key is not null && key.Length > 5 && key[0] == 'o' && (key == StatusCodeTag || key == StatusDescriptionTag);

    /// <summary>
    /// OTLP status code (UNSET 0, OK 1, ERROR 2) and message (only for ERROR). <see cref="Activity.Status"/> wins; when
    /// it is unset, the OpenTelemetry convention tags <c>otel.status_code</c>/<c>otel.status_description</c> are used.
    /// </summary>
    public static int Status(Activity activity, out string? message)
    {
        message = null;
        var status = activity.Status;
        if (status != ActivityStatusCode.Unset)
        {
            if (status == ActivityStatusCode.Error && !string.IsNullOrEmpty(activity.StatusDescription))
            {
                message = activity.StatusDescription;
            }

            return (int)status;
        }

        if (activity.GetTagItem(StatusCodeTag) is not string code)
        {
            return 0;
        }

        if (string.Equals(code, "ERROR", StringComparison.OrdinalIgnoreCase))
        {
            message = activity.GetTagItem(StatusDescriptionTag) as string;
            return 2;
        }

        return string.Equals(code, "OK", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }
}
