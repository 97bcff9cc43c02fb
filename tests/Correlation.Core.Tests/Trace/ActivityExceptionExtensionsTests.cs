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
}
