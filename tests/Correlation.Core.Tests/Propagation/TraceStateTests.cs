using System.Net.Http.Headers;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>SPEC 6: the tracestate header.</summary>
public class TraceStateTests
{
    private static string Members(int count, int from = 0)
        => string.Join(",", Enumerable.Range(from, count).Select(i => $"k{i}=v{i}"));

    [Fact]
    public void A_canonical_tracestate_is_kept_as_the_same_string()
    {
        const string traceState = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
        var headers = Headers.Dictionary(Headers.Valid, traceState);

        var context = CorrelationPropagator.Default.Extract(headers, PropagationCarriers.DictionaryGetter);

        Assert.Same(traceState, context.ActivityContext.TraceState);
    }

    [Fact]
    public void Thirty_two_members_are_kept() => Assert.Equal(Members(32), Headers.TraceStateOf(Members(32)));

    [Fact]
    public void Thirty_three_members_drop_the_tracestate_but_keep_the_traceparent()
    {
        var context = Headers.Extract(Headers.Valid, Members(33));

        Assert.True(context.HasValidActivityContext);
        Assert.Null(context.ActivityContext.TraceState);
    }

    [Theory]
    [InlineData("a=1,,b=2", "a=1,b=2")]
    [InlineData(",a=1,", "a=1")]
    [InlineData("a=1, \t ,b=2", "a=1,b=2")]
    [InlineData(" a=1 \t,\tb=2 ", "a=1,b=2")]
    [InlineData("a=1 ", "a=1")]
    [InlineData("a= 1", "a= 1")]
    public void Empty_members_are_skipped_and_whitespace_around_members_trimmed(string input, string expected)
        => Assert.Equal(expected, Headers.TraceStateOf(input));

    [Theory]
    [InlineData("a=1,b=2,a=3", "a=1,b=2")]
    [InlineData("a=1,a=1", "a=1")]
    public void Duplicate_keys_keep_one(string input, string expected) => Assert.Equal(expected, Headers.TraceStateOf(input));

    [Theory]
    [InlineData("1a=x")]
    [InlineData("a_-*/@b=x")]
    [InlineData("tenant@system=x")]
    [InlineData("a=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~")]
    [InlineData("a=value with spaces")]
    public void Keys_and_values_in_the_grammar_are_accepted(string member)
        => Assert.Equal(member, Headers.TraceStateOf(member));

    [Fact]
    public void A_256_char_key_and_a_256_char_value_are_accepted()
    {
        var member = new string('k', 256) + "=" + new string('v', 256);

        Assert.Equal(member, Headers.TraceStateOf(member));
    }

    [Theory]
    [InlineData("Upper=x")] // uppercase key
    [InlineData("_a=x")] // key starts with neither lcalpha nor digit
    [InlineData("a.b=x")] // '.' is not a key char
    [InlineData("a=")] // empty value
    [InlineData("=x")] // empty key
    [InlineData("a")] // no '='
    [InlineData("a=b=c")] // '=' in value
    [InlineData("a=b\tc")] // tab inside the value
    [InlineData("a=caf\u00e9")] // not ASCII
    [InlineData("a=b\u007f")] // DEL
    [InlineData("a b=c")] // space in the key
    public void One_invalid_member_drops_the_whole_tracestate_but_keeps_the_traceparent(string invalid)
    {
        var context = Headers.Extract(Headers.Valid, "ok=1," + invalid + ",other=2");

        Assert.True(context.HasValidActivityContext);
        Assert.Null(context.ActivityContext.TraceState);
    }

    [Fact]
    public void Too_long_keys_and_values_are_invalid()
    {
        Assert.Null(Headers.TraceStateOf(new string('k', 257) + "=v"));
        Assert.Null(Headers.TraceStateOf("k=" + new string('v', 257)));
    }

    [Fact]
    public void Multiple_tracestate_fields_are_joined_in_order()
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("traceparent", Headers.Valid);
        request.Headers.TryAddWithoutValidation("tracestate", "a=1,b=2");
        request.Headers.TryAddWithoutValidation("tracestate", "c=3");

        var context = CorrelationPropagator.Default.Extract(request.Headers, PropagationCarriers.HttpHeadersGetter);

        Assert.Equal("a=1,b=2,c=3", context.ActivityContext.TraceState);
    }

    [Fact]
    public void A_tracestate_within_512_chars_is_injected_unchanged()
    {
        var traceState = Members(32);

        var headers = Headers.Inject(new PropagatedContext(Headers.Context(traceState)));

        Assert.Same(traceState, headers["tracestate"]);
    }

    [Fact]
    public void Injection_removes_entries_longer_than_128_chars_first()
    {
        var longEntry = "long=" + new string('x', 200);
        var small = Enumerable.Range(0, 25).Select(i => $"s{i:D2}=" + new string('y', 10)).ToArray(); // 14 chars each
        var traceState = string.Join(",", small.Take(10)) + "," + longEntry + "," + string.Join(",", small.Skip(10)) + ",more=" + new string('z', 150);

        var sent = Headers.Inject(new PropagatedContext(Headers.Context(traceState)))["tracestate"];

        Assert.Equal(string.Join(",", small), sent);
    }

    [Fact]
    public void Injection_then_removes_entries_from_the_right()
    {
        var entries = Enumerable.Range(0, 30).Select(i => $"k{i:D2}=" + new string('v', 26)).ToArray(); // 30 chars each, 929 in all

        var sent = Headers.Inject(new PropagatedContext(Headers.Context(string.Join(",", entries))))["tracestate"];

        Assert.True(sent.Length <= 512);
        Assert.Equal(string.Join(",", entries.Take(16)), sent); // 16 * 31 - 1 = 495
    }

    [Fact]
    public void An_invalid_tracestate_set_by_the_application_is_not_sent()
    {
        var headers = Headers.Inject(new PropagatedContext(Headers.Context("Not Valid")));

        Assert.True(headers.ContainsKey("traceparent"));
        Assert.False(headers.ContainsKey("tracestate"));
    }

    [Fact]
    public void Multiple_fields_joined_by_the_HttpHeaders_getter()
    {
        HttpHeaders headers = new HttpRequestMessage().Headers;
        headers.TryAddWithoutValidation("tracestate", "a=1");
        headers.TryAddWithoutValidation("tracestate", "b=2");

        Assert.Equal("a=1,b=2", PropagationCarriers.HttpHeadersGetter(headers, "tracestate"));
    }
}
