using System.Diagnostics;
using Serilog.Events;

namespace Correlation.Serilog.Tests.Support;

/// <summary>Starts real W3C activities without a listener (so no tracing SDK is needed) and reads event properties.</summary>
internal static class Spans
{
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string ParentId = "00f067aa0ba902b7";

    /// <summary>A span whose parent is the remote <see cref="ParentId"/> of trace <see cref="TraceId"/>.</summary>
    public static Activity StartChild(bool sampled = true, string name = "child")
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.SetParentId(
            ActivityTraceId.CreateFromString(TraceId),
            ActivitySpanId.CreateFromString(ParentId),
            sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);
        return activity.Start();
    }

    /// <summary>A root span (no parent) when nothing is current, else a child of the current span.</summary>
    public static Activity Start(string name = "span", bool sampled = true)
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        return activity.Start();
    }

    public static string? Text(this LogEvent logEvent, string name)
        => logEvent.Properties.TryGetValue(name, out var value) ? value is ScalarValue { Value: string s } ? s : value.ToString() : null;
}
