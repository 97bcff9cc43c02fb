using System.Diagnostics;
using Correlation.Context;
using Correlation.Core.Tests.Support;

namespace Correlation.Core.Tests.Context;

public class TraceContextSnapshotTests
{
    [Fact]
    public void A_snapshot_reports_ids_flags_state_and_remote_parent()
    {
        using var spans = new TestSpans();
        using var span = spans.StartWithRemoteParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", ActivityTraceFlags.Recorded | (ActivityTraceFlags)2, "a=1");
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded | (ActivityTraceFlags)2;

        var snapshot = TraceContextSnapshot.Current;

        Assert.True(snapshot.IsValid);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", snapshot.TraceId.ToHexString());
        Assert.Equal(span.SpanId, snapshot.SpanId);
        Assert.Equal("00f067aa0ba902b7", snapshot.ParentSpanId.ToHexString());
        Assert.True(snapshot.IsSampled);
        Assert.True(snapshot.IsRandom);
        Assert.Equal("a=1", snapshot.TraceState);
        Assert.True(snapshot.HasRemoteParent);
    }

    [Fact]
    public void A_local_child_has_no_remote_parent_and_outside_a_span_nothing_is_valid()
    {
        using (var spans = new TestSpans())
        using (spans.Start("parent"))
        using (spans.Start("child"))
        {
            Assert.False(TraceContextSnapshot.Current.HasRemoteParent);
            Assert.False(TraceContextSnapshot.Current.IsRandom);
        }

        var none = TraceContextSnapshot.Current;
        Assert.False(none.IsValid);
        Assert.Equal(default, none.TraceId);
        Assert.False(none.IsSampled);
    }

    [Fact]
    public void Baggage_is_read_from_the_context_of_the_moment_the_snapshot_was_taken()
    {
        using var spans = new TestSpans();
        OpenTelemetry.Baggage.SetBaggage("tenant.id", "at-capture");
        try
        {
            var outside = TraceContextSnapshot.Current;
            using var later = spans.Start("started after the snapshot");
            later.AddBaggage("region", "eu");
            OpenTelemetry.Baggage.SetBaggage("tenant.id", "changed-later");

            Assert.Equal("at-capture", outside.GetBaggageItem("tenant.id"));
            Assert.Null(outside.GetBaggageItem("region"));
            Assert.Equal([new KeyValuePair<string, string>("tenant.id", "at-capture")], outside.GetBaggage());
        }
        finally
        {
            OpenTelemetry.Baggage.ClearBaggage();
        }
    }

    [Fact]
    public void A_snapshot_of_a_given_activity_reads_that_activity_s_baggage()
    {
        using var hierarchical = new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).AddBaggage("k", "v");

        var snapshot = TraceContextSnapshot.From(hierarchical);

        Assert.False(snapshot.IsValid);
        Assert.Equal("v", snapshot.GetBaggageItem("k"));
    }
}
