using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>
/// End to end through real HTTP: a client calls <c>/front</c> on Kestrel (127.0.0.1), which calls <c>/back</c> with
/// HttpClient. With <see cref="CorrelationPropagator.Install"/>, what the client sent arrives intact at the second hop.
/// </summary>
[Collection(AmbientContextGroup.Name)]
public sealed class HttpEndToEndTests : IClassFixture<TwoHopService>
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";

    // Properties after ';', and percent-encoded UTF-8 (ü, 你好, an emoji, a space, a literal '%'), in the canonical form
    // the propagator writes, so the header that reaches the second hop must be byte-for-byte the one that was sent.
    private const string Baggage = "user=alice;ttl=60;private,city=M%C3%BCnchen,greeting=%E4%BD%A0%E5%A5%BD%20%F0%9F%98%80;lang=zh,ratio=100%25";

    private readonly TwoHopService _service;

    public HttpEndToEndTests(TwoHopService service) => _service = service;

    public static TheoryData<string, string> TraceStates()
    {
        // 32 members, 479 chars: the full W3C list within the 512 chars every hop must keep.
        var thirtyTwo = string.Join(",", Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? $"vendor{i:D2}=value{i:D2}" : $"t{i:D2}@sys=x{i}"));

        // A 256-char key (the longest the grammar allows); .NET's own propagator drops any tracestate over 256 chars.
        var longKey = new string('k', 255).Insert(0, "a") + "=1," + "rojo=00f067aa0ba902b7";
        return new TheoryData<string, string>
        {
            { "01", thirtyTwo },
            { "00", thirtyTwo },
            { "01", longKey },
            { "00", longKey },
            { "03", thirtyTwo }, // sampled and random (Level 2): both flags reach the second hop
            { "02", longKey },
        };
    }

    [Theory]
    [MemberData(nameof(TraceStates))]
    public async Task Trace_id_sampled_flag_tracestate_and_baggage_arrive_intact_at_the_second_hop(string flags, string traceState)
    {
        var sampled = (Convert.ToInt32(flags, 16) & 1) != 0;
        Assert.True(!sampled || traceState.Length <= 512);
        var sentParent = $"00-{TraceId}-b7ad6b7169203331-{flags}";

        var (front, back) = await _service.CallAsync(sentParent, traceState, Baggage);

        // First hop: the server span continues the caller's trace, with its tracestate and baggage (SPEC 10).
        Assert.Equal(TraceId, front["traceId"]);
        Assert.Equal("b7ad6b7169203331", front["parentSpanId"]);
        Assert.Equal(sampled ? "True" : "False", front["recorded"]);
        Assert.Equal(traceState, front["traceState"]);
        Assert.Equal("M\u00fcnchen", front["city"]);

        // Second hop: the same trace, a new parent (the HttpClient span), the same flags, tracestate and baggage.
        var arrived = back["traceparent"]!;
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", arrived);
        Assert.Equal(TraceId, arrived[3..35]);
        Assert.NotEqual("b7ad6b7169203331", arrived[36..52]);
        Assert.Equal(flags, arrived[53..]);
        Assert.Equal(traceState, back["tracestate"]);
        Assert.Equal(Baggage, back["baggage"]);

        var baggage = Headers.BaggageOf(back["baggage"]!);
        Assert.Equal(new BaggageMember("user", "alice", "ttl=60;private"), baggage[0]);
        Assert.Equal("\u4f60\u597d \U0001F600", baggage.GetValue("greeting"));
        Assert.Equal("lang=zh", baggage[2].Properties);
        Assert.Equal("100%", baggage.GetValue("ratio"));
    }

    [Fact]
    public async Task An_invalid_traceparent_starts_a_new_trace_and_drops_the_tracestate_but_keeps_the_baggage()
    {
        var (front, back) = await _service.CallAsync($"00-{TraceId.ToUpperInvariant()}-b7ad6b7169203331-01", "rojo=1", "k=v;p");

        Assert.NotEqual(TraceId, front["traceId"]);
        Assert.Null(front["traceState"]);
        Assert.Equal(front["traceId"], back["traceparent"]![3..35]);
        Assert.Null(back["tracestate"]);
        Assert.Equal("k=v;p", back["baggage"]);
    }
}
