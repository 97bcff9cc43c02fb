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
}
