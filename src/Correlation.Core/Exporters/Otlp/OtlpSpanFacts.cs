using System.Diagnostics;

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
    /// Turns an id's cached lowercase hex (<see cref="ActivityTraceId.ToHexString"/> allocates nothing) into its bytes
    /// with the vectorised <see cref="Convert.FromHexString(ReadOnlySpan{char}, Span{byte}, out int, out int)"/>.
    /// </summary>
    public static void HexToBytes(string hex, Span<byte> destination) =>
        Convert.FromHexString(hex, destination, out _, out _);

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
