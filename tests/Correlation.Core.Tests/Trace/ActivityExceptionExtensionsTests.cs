using System.Diagnostics;
using Correlation.Trace;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

public class ActivityExceptionExtensionsTests
{
    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("payment declined");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void RecordException_adds_an_exception_event_and_sets_status_error()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();

        using (var span = source.StartActivity("pay"))
        {
            Assert.Same(span, span.RecordException(Thrown()));
        }

        var ended = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, ended.Status);
        Assert.Equal("payment declined", ended.StatusDescription);
        var e = Assert.Single(ended.Events);
        Assert.Equal("exception", e.Name);
        var tags = e.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(typeof(InvalidOperationException).FullName, tags["exception.type"]);
        Assert.Equal("payment declined", tags["exception.message"]);
        Assert.Contains(nameof(Thrown), (string)tags["exception.stacktrace"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordException_keeps_a_status_already_set_to_Ok_and_still_adds_the_event()
    {
        // OpenTelemetry API, Set Status: once Ok, the status is final (e.g. a retry that succeeded after a failure).
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();

        using (var span = source.StartActivity("pay"))
        {
            span!.SetStatus(ActivityStatusCode.Ok);
            span.RecordException(Thrown());
        }

        var ended = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Ok, ended.Status);
        Assert.Null(ended.StatusDescription);
        Assert.Equal("exception", Assert.Single(ended.Events).Name);
    }

    [Fact]
    public void RecordException_does_nothing_on_null_or_non_recording_spans()
    {
        Assert.Null(((Activity?)null).RecordException(Thrown()));

        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOffSampler()).Build();
        using var span = source.StartActivity("dropped");
        Assert.NotNull(span);
        span.RecordException(Thrown());
        Assert.Empty(span.Events);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    private sealed class HostileException : Exception
    {
        public override string Message => throw new InvalidOperationException("Message threw");

        public override string? StackTrace => throw new InvalidOperationException("StackTrace threw");

        public override string ToString() => throw new InvalidOperationException("ToString threw");
    }

    [Fact]
    public void RecordException_with_an_exception_whose_Message_and_ToString_throw_still_marks_the_span_failed()
    {
        using var diagnostics = new DiagnosticsCapture();
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();

        using (var span = source.StartActivity("pay"))
        {
            Assert.Same(span, span.RecordException(new HostileException()));
        }

        var ended = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, ended.Status);
        var e = Assert.Single(ended.Events);
        Assert.Equal("exception", e.Name);
        var tags = e.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(typeof(HostileException).FullName, tags["exception.type"]);
        Assert.Contains("Message threw", (string)tags["exception.message"]!, StringComparison.Ordinal);
        Assert.Contains("ToString threw", (string)tags["exception.stacktrace"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordException_with_an_aggregate_or_never_thrown_exception_records_it_whole()
    {
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var spans = new List<Activity>();
        using var provider = TracerProvider.CreateBuilder().AddSource(name).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();

        using (var span = source.StartActivity("pay"))
        {
            span.RecordException(new AggregateException("two failed", Thrown(), new TimeoutException("slow")));
            span.RecordException(new InvalidOperationException("never thrown")); // StackTrace is null
        }

        var ended = Assert.Single(spans);
        Assert.Equal(ActivityStatusCode.Error, ended.Status);
        Assert.Equal("never thrown", ended.StatusDescription);
        var events = ended.Events.Select(e => e.Tags.ToDictionary(t => t.Key, t => t.Value)).ToArray();
        Assert.Equal(2, events.Length);
        Assert.Equal(typeof(AggregateException).FullName, events[0]["exception.type"]);
        Assert.Contains("slow", (string)events[0]["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), (string)events[0]["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Equal("never thrown", events[1]["exception.message"]);
    }
}
