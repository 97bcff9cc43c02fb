using System.Diagnostics;
using System.Net.Http.Headers;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>SPEC 4, 5 and 7: the traceparent header.</summary>
public class TraceParentTests
{
    [Fact]
    public void A_valid_version_00_traceparent_gives_a_remote_context()
    {
        var context = Headers.Extract(Headers.Valid).ActivityContext;

        Assert.Equal(Headers.TraceId, context.TraceId.ToHexString());
        Assert.Equal(Headers.SpanId, context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
        Assert.True(context.IsRemote);
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-")] // version 00 longer than 55
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")] // shorter than 55
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")] // short trace id
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // zero parent id
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // uppercase trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01")] // uppercase parent id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A")] // uppercase flags
    [InlineData("0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // uppercase version
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")] // wrong separators
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg-01")] // not hex
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")] // higher version: char 56 must be '-'
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // two fields
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // two fields, future version
    [InlineData("")]
    [InlineData(" ")]
    public void An_invalid_traceparent_starts_a_new_trace(string traceParent)
    {
        var context = Headers.Extract(traceParent, "congo=t61rcWkgMzE");

        Assert.False(context.HasValidActivityContext);
        Assert.Null(context.ActivityContext.TraceState);
    }

    [Theory]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds")]
    [InlineData("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-")]
    public void A_higher_version_is_parsed_from_its_first_55_chars(string traceParent)
    {
        var extracted = Headers.Extract(traceParent);

        Assert.Equal(Headers.TraceId, extracted.ActivityContext.TraceId.ToHexString());
        Assert.Equal(Headers.SpanId, extracted.ActivityContext.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, extracted.ActivityContext.TraceFlags);
        Assert.Equal(Headers.Valid, Headers.Inject(extracted)["traceparent"]);
    }

    [Theory]
    [InlineData(" " + Headers.Valid)]
    [InlineData(Headers.Valid + " ")]
    [InlineData("\t " + Headers.Valid + " \t")]
    public void Spaces_and_tabs_around_the_traceparent_are_trimmed(string traceParent)
        => Assert.Equal(Headers.TraceId, Headers.Extract(traceParent).ActivityContext.TraceId.ToHexString());

    [Fact]
    public void Two_traceparent_header_fields_are_invalid()
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("traceparent", Headers.Valid);
        request.Headers.TryAddWithoutValidation("traceparent", Headers.Valid);
        request.Headers.TryAddWithoutValidation("tracestate", "a=1");

        var context = CorrelationPropagator.Default.Extract(request, PropagationCarriers.HttpRequestGetter);

        Assert.False(context.HasValidActivityContext);
        Assert.Null(context.ActivityContext.TraceState);
    }

    [Fact]
    public void A_failed_extract_keeps_the_valid_context_already_present()
    {
        var existing = new PropagatedContext(Headers.Context("a=1"));

        var result = CorrelationPropagator.Default.Extract(existing, Headers.Dictionary("00-garbage", "b=2"), PropagationCarriers.DictionaryGetter);

        Assert.Equal(existing.ActivityContext, result.ActivityContext);
    }

    [Fact]
    public void A_getter_that_throws_returns_the_context_it_was_given()
    {
        var existing = new PropagatedContext(Headers.Context("a=1"), PropagatedBaggage.Create([new BaggageMember("k", "v")]));

        var result = CorrelationPropagator.Default.Extract(existing, 42, static (_, _) => throw new InvalidOperationException("broken carrier"));

        Assert.Equal(existing, result);
    }

    [Fact]
    public void A_setter_that_throws_does_not_reach_the_caller()
    {
        var context = new PropagatedContext(Headers.Context());
        var calls = new List<string>();

        var exception = Record.Exception(() => CorrelationPropagator.Default.Inject(context, calls, static (c, name, _) =>
        {
            c.Add(name);
            throw new InvalidOperationException("broken carrier");
        }));

        // The setter really was called (and threw): the exception was stopped, not avoided.
        Assert.Null(exception);
        Assert.Equal(["traceparent"], calls);
    }

    [Theory]
    [InlineData("00", ActivityTraceFlags.None)]
    [InlineData("01", ActivityTraceFlags.Recorded)]
    [InlineData("02", (ActivityTraceFlags)2)]
    [InlineData("03", (ActivityTraceFlags)3)]
    [InlineData("ff", (ActivityTraceFlags)3)]
    [InlineData("fc", ActivityTraceFlags.None)]
    [InlineData("09", ActivityTraceFlags.Recorded)]
    public void Only_the_sampled_and_random_flags_are_kept(string flags, ActivityTraceFlags expected)
    {
        var extracted = Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-{flags}");

        Assert.Equal(expected, extracted.ActivityContext.TraceFlags);
        Assert.Equal($"00-{Headers.TraceId}-{Headers.SpanId}-0{(int)expected}", Headers.Inject(extracted)["traceparent"]);
    }

    [Fact]
    public void Injection_zeroes_the_unknown_flag_bits()
        => Assert.EndsWith("-03", Headers.Inject(new PropagatedContext(Headers.Context(flags: (ActivityTraceFlags)0xff)))["traceparent"], StringComparison.Ordinal);

    [Fact]
    public void An_invalid_context_is_not_injected()
    {
        var headers = Headers.Inject(new PropagatedContext(default));

        Assert.Empty(headers);
    }

    [Fact]
    public void Injection_from_an_activity_writes_its_traceparent()
    {
        using var activity = new Activity("op");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.Start();
        activity.TraceStateString = "a=1";
        var headers = new Dictionary<string, string>();

        CorrelationPropagator.Default.Inject(activity, headers, PropagationCarriers.DictionarySetter);

        Assert.Equal($"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-01", headers["traceparent"]);
        Assert.Equal("a=1", headers["tracestate"]);
    }

    [Fact]
    public void The_trace_context_propagator_ignores_baggage()
    {
        var headers = Headers.Dictionary(Headers.Valid, null, "k=v");

        var context = CorrelationPropagator.TraceContext.Extract(headers, PropagationCarriers.DictionaryGetter);

        Assert.True(context.HasValidActivityContext);
        Assert.Empty(context.Baggage);
        Assert.Equal(["traceparent", "tracestate"], CorrelationPropagator.TraceContext.Fields);
    }

    [Fact]
    public void HttpHeaders_are_read_without_validation()
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("traceparent", Headers.Valid);

        var value = PropagationCarriers.HttpHeadersGetter(request.Headers, "traceparent");

        Assert.Same(Headers.Valid, value);
        Assert.Null(PropagationCarriers.HttpHeadersGetter(request.Headers, "tracestate"));
        HttpHeaders headers = request.Headers;
        PropagationCarriers.HttpHeadersSetter(headers, "traceparent", "x");
        Assert.Equal("x", PropagationCarriers.HttpHeadersGetter(headers, "traceparent"));
    }

    [Fact]
    public void The_random_flag_is_forwarded_from_a_context_and_from_a_span_started_under_it()
    {
        using var spans = new Correlation.Core.Tests.Support.TestSpans();
        var extracted = Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-03");

        using var child = spans.Source.StartActivity("child", ActivityKind.Server, extracted.ActivityContext)!;
        var fromSpan = new Dictionary<string, string>();
        CorrelationPropagator.Default.Inject(child, fromSpan, PropagationCarriers.DictionarySetter);

        Assert.EndsWith("-03", Headers.Inject(extracted)["traceparent"], StringComparison.Ordinal);
        Assert.Equal((ActivityTraceFlags)3, child.ActivityTraceFlags);
        Assert.Equal($"00-{Headers.TraceId}-{child.SpanId.ToHexString()}-03", fromSpan["traceparent"]);
    }

    [Theory]
    [InlineData("03", "03")]
    [InlineData("01", "01")]
    [InlineData("02", "03")] // these spans sample everything: sampled is the span's own decision, random the trace's
    public void The_random_flag_is_forwarded_from_a_span_whose_local_parent_continues_the_extracted_context(string received, string sent)
    {
        // The usual server shape: a server span under the extracted context, then a client span under the server span.
        using var spans = new Correlation.Core.Tests.Support.TestSpans();
        var extracted = Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-{received}");
        using var server = spans.Source.StartActivity("server", ActivityKind.Server, extracted.ActivityContext)!;
        using var client = spans.Source.StartActivity("client", ActivityKind.Client)!;
        var headers = new Dictionary<string, string>();

        CorrelationPropagator.Default.Inject(client, headers, PropagationCarriers.DictionarySetter);

        Assert.Same(server, client.Parent);
        Assert.Equal($"00-{Headers.TraceId}-{client.SpanId.ToHexString()}-{sent}", headers["traceparent"]);
    }

    [Fact]
    public void The_random_flag_is_not_taken_from_an_ancestor_of_another_trace()
    {
        using var spans = new Correlation.Core.Tests.Support.TestSpans();
        using var other = spans.Source.StartActivity("other", ActivityKind.Server, Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-03").ActivityContext)!;
        var newTrace = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, null, isRemote: true);
        using var server = spans.Source.StartActivity("server", ActivityKind.Server, newTrace)!;
        using var client = spans.Source.StartActivity("client", ActivityKind.Client)!;
        var headers = new Dictionary<string, string>();

        CorrelationPropagator.Default.Inject(client, headers, PropagationCarriers.DictionarySetter);

        Assert.Equal(newTrace.TraceId, client.TraceId);
        Assert.EndsWith("-01", headers["traceparent"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_context_of_a_span_under_a_local_parent_carries_the_random_flag_like_InjectCurrent()
    {
        using var spans = new Correlation.Core.Tests.Support.TestSpans();
        using var server = spans.Source.StartActivity("server", ActivityKind.Server, Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-03").ActivityContext)!;
        using var client = spans.Source.StartActivity("client", ActivityKind.Client)!;
        var fromCurrent = new Dictionary<string, string>();

        var current = PropagatedContext.Current;
        CorrelationPropagator.Default.Inject(current, fromCurrent, PropagationCarriers.DictionarySetter);

        Assert.Equal(client.SpanId, current.ActivityContext.SpanId);
        Assert.Equal((ActivityTraceFlags)3, current.ActivityContext.TraceFlags);
        Assert.Equal($"00-{Headers.TraceId}-{client.SpanId.ToHexString()}-03", fromCurrent["traceparent"]);
    }
}
