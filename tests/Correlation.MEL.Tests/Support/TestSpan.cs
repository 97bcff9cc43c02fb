using System.Diagnostics;

namespace Correlation.MEL.Tests.Support;

/// <summary>Starts real W3C activities the way instrumented code does, without a tracer provider.</summary>
internal static class TestSpan
{
    public static Activity Start(string name = "op", bool sampled = true, Activity? parent = null)
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        if (parent is not null)
        {
            activity.SetParentId(parent.TraceId, parent.SpanId, parent.ActivityTraceFlags);
        }

        activity.Start();
        activity.ActivityTraceFlags = sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        return activity;
    }

    public static string TraceId(this Activity activity) => activity.TraceId.ToHexString();

    public static string SpanId(this Activity activity) => activity.SpanId.ToHexString();
}
