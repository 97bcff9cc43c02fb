using System.Diagnostics;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>SPEC 8 and 9: the baggage header.</summary>
public class BaggageTests
{
    [Fact]
    public void Members_are_extracted_in_order()
    {
        var baggage = Headers.BaggageOf("userId=alice,serverNode=DF%2028,isProduction=false");

        Assert.Equal([new BaggageMember("userId", "alice"), new BaggageMember("serverNode", "DF 28"), new BaggageMember("isProduction", "false")], baggage);
    }

    [Fact]
    public void Whitespace_around_equals_commas_and_semicolons_is_ignored()
    {
        var baggage = Headers.BaggageOf(" k1 \t= v1 ; p1 = x ;\tp2 , k2=v2\t");

        Assert.Equal([new BaggageMember("k1", "v1", "p1=x;p2"), new BaggageMember("k2", "v2")], baggage);
    }

    [Theory]
    [InlineData("%C3%A9t%C3%A9", "\u00e9t\u00e9")]
    [InlineData("100%25", "100%")]
    [InlineData("a+b", "a+b")]
    [InlineData("%F0%9F%98%80", "\U0001F600")]
    [InlineData("%zz", "\uFFFDzz")]
    [InlineData("abc%", "abc\uFFFD")]
    [InlineData("%C3", "\uFFFD")]
    [InlineData("%FF%FE", "\uFFFD\uFFFD")]
    [InlineData("%e2%82%ac", "\u20ac")]
    public void Values_are_percent_decoded_as_UTF8_and_bad_sequences_become_replacement_chars(string encoded, string expected)
        => Assert.Equal(expected, Headers.BaggageOf("k=" + encoded).GetValue("k"));

    [Fact]
    public void Keys_are_never_percent_decoded()
        => Assert.Equal("v", Headers.BaggageOf("k%41=v").GetValue("k%41"));

    [Fact]
    public void Properties_are_kept_through_a_round_trip()
    {
        var baggage = Headers.BaggageOf("k=v;ttl=60;secret,plain=1");

        var sent = Headers.Inject(new PropagatedContext(default, baggage))["baggage"];

        Assert.Equal("k=v;ttl=60;secret,plain=1", sent);
    }

    [Fact]
    public void Properties_of_a_repeated_key_do_not_reach_a_later_extraction_of_the_same_key()
    {
        // The winner of a repeated key carries properties; a later request on the same thread sends the key with no
        // properties. Its span must not send the earlier request's properties.
        Assert.Equal("k=;p=1", Headers.BaggageOf("k=x,k=;p=1").ToString());

        Assert.Equal("k=", SentFromASpanCarrying(Headers.BaggageOf("k=")));
    }

    [Fact]
    public void A_repeated_key_whose_winner_has_no_properties_is_sent_without_the_loser_s_properties()
        => Assert.Equal("k=", SentFromASpanCarrying(Headers.BaggageOf("k=;p=1,k=")));

    [Fact]
    public void Properties_removed_in_code_stay_removed_when_the_span_s_baggage_is_sent()
    {
        var extracted = Headers.BaggageOf("k=v;ttl=60,plain=1");
        var stripped = PropagatedBaggage.Create(extracted.Select(m => new BaggageMember(m.Key, m.Value)));

        Assert.Equal("k=v,plain=1", stripped.ToString());
        Assert.Equal("k=v,plain=1", SentFromASpanCarrying(stripped));
    }

    [Fact]
    public void Several_baggage_fields_form_one_list()
    {
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("baggage", "a=1,b=2");
        request.Headers.TryAddWithoutValidation("baggage", "c=3");

        var baggage = CorrelationPropagator.Baggage.Extract(request, PropagationCarriers.HttpRequestGetter).Baggage;

        Assert.Equal(["a", "b", "c"], baggage.Select(m => m.Key));
    }

    [Theory]
    [InlineData("bad key=v")] // space in key
    [InlineData("k(=v")] // '(' is not a token char
    [InlineData("=v")] // empty key
    [InlineData("novalue")] // no '='
    [InlineData("k=a b")] // space inside the value
    [InlineData("k=a\"b")] // '"' is not a baggage octet
    [InlineData("k=a\\b")] // '\' is not a baggage octet
    [InlineData("k=caf\u00e9")] // raw non-ASCII
    [InlineData("k=v;bad prop")] // invalid property
    [InlineData("k=v;p=a b")] // invalid property value
    [InlineData("k\u00e9=v")] // non-ASCII key
    public void Invalid_members_are_skipped_and_the_rest_kept(string invalid)
    {
        var baggage = Headers.BaggageOf("first=1," + invalid + ",last=2");

        Assert.Equal(["first", "last"], baggage.Select(m => m.Key));
    }

    [Fact]
    public void Empty_values_and_empty_members_are_allowed()
    {
        var baggage = Headers.BaggageOf(",a=,,b=2,");

        Assert.Equal([new BaggageMember("a", ""), new BaggageMember("b", "2")], baggage);
    }

    [Fact]
    public void The_last_duplicate_key_wins()
        => Assert.Equal("3", Headers.BaggageOf("k=1,other=2,k=3").GetValue("k"));

    [Fact]
    public void Sixty_four_members_are_kept_and_further_ones_dropped_whole()
    {
        var header = string.Join(",", Enumerable.Range(0, 70).Select(i => $"k{i}=v{i}"));

        var baggage = Headers.BaggageOf(header);

        Assert.Equal(64, baggage.Count);
        Assert.Equal("v63", baggage.GetValue("k63"));
        Assert.Null(baggage.GetValue("k64"));
    }

    [Fact]
    public void Members_beyond_8192_bytes_are_dropped_whole_never_partly()
    {
        var big = new string('x', 4000);
        var header = $"a={big},b={big},c={big},d=small";

        var baggage = Headers.BaggageOf(header);

        Assert.Equal(["a", "b", "d"], baggage.Select(m => m.Key));
        Assert.All(baggage, m => Assert.True(m.Value == big || m.Value == "small"));
    }

    [Fact]
    public void A_repeated_key_is_measured_again_and_a_winner_that_no_longer_fits_is_dropped_whole()
    {
        var big = new string('x', 4000);
        var bigger = new string('y', 4200);

        // a (4002) + b (4002) fits; the last b (4202) does not: the member b is dropped whole.
        var overflow = Headers.BaggageOf($"a={big},b=1,b={big},b={bigger},c=small");
        Assert.Equal(["a", "c"], overflow.Select(m => m.Key));
        Assert.True(overflow.Sum(m => m.Key.Length + 1 + m.Value.Length) + overflow.Count - 1 <= 8192);

        // A replacement that fits updates the count: after b shrinks back, another big member still fits.
        var shrunk = Headers.BaggageOf($"a={big},b={big},b=1,c={new string('z', 4100)}");
        Assert.Equal(["a", "b", "c"], shrunk.Select(m => m.Key));
        Assert.Equal("1", shrunk.GetValue("b"));

        // Repeating a key must not bypass the limit.
        var repeated = Headers.BaggageOf($"a={big},b=1,b={big},b={big},b={bigger}");
        Assert.Equal(["a"], repeated.Select(m => m.Key));
    }

    [Fact]
    public void Injection_keeps_64_members_and_8192_bytes_dropping_whole_members()
    {
        var members = Enumerable.Range(0, 70).Select(i => new BaggageMember($"k{i}", new string('v', i == 3 ? 9000 : 100))).ToArray();

        var sent = Headers.Inject(new PropagatedContext(default, PropagatedBaggage.Create(members)))["baggage"];

        Assert.True(sent.Length <= 8192);
        var keys = sent.Split(',').Select(m => m[..m.IndexOf('=')]).ToArray();
        Assert.DoesNotContain("k3", keys);
        Assert.All(sent.Split(','), m => Assert.EndsWith(new string('v', 100), m, StringComparison.Ordinal));
        Assert.True(keys.Length <= 64);
    }

    [Fact]
    public void A_single_member_of_exactly_8192_bytes_is_sent_as_it_was_received()
    {
        // "k=" + 8190 chars: 8192 bytes, the limit both ways (SPEC 9); the first member has no comma before it.
        var header = "k=" + new string('v', 8190);
        var received = Headers.BaggageOf(header);

        var sent = Headers.Inject(new PropagatedContext(default, received));

        Assert.Equal(header, Assert.Contains("baggage", sent));
        Assert.Equal(header, received.ToString());
    }

    [Fact]
    public void Injection_percent_encodes_values_as_UTF8()
    {
        var baggage = PropagatedBaggage.Create([new BaggageMember("k", "\u00e9 100%,;=\"\\+")]);

        var sent = Headers.Inject(new PropagatedContext(default, baggage))["baggage"];

        Assert.Equal("k=%C3%A9%20100%25%2C%3B=%22%5C+", sent);
        Assert.Equal("\u00e9 100%,;=\"\\+", Headers.BaggageOf(sent).GetValue("k"));
    }

    [Theory]
    [InlineData("=x")] // a property without a key
    [InlineData("p;")] // an empty property
    [InlineData("a;;b")]
    [InlineData("ttl=60;(p)")] // '(' is not a token char
    public void Properties_outside_the_grammar_are_not_sent_but_their_member_is(string properties)
    {
        var baggage = PropagatedBaggage.Create([new BaggageMember("k", "v", properties), new BaggageMember("k2", "v2", "ttl=60;p")]);

        var sent = Headers.Inject(new PropagatedContext(default, baggage))["baggage"];

        // Sent as given, the member would be invalid and every receiver would drop it whole (SPEC 8, 9).
        Assert.Equal("k=v,k2=v2;ttl=60;p", sent);
        Assert.Equal(["k", "k2"], Headers.BaggageOf(sent).Select(m => m.Key));
    }

    [Fact]
    public void Members_with_a_key_that_is_not_a_token_are_not_sent()
    {
        var baggage = PropagatedBaggage.Create([new BaggageMember("bad key", "1"), new BaggageMember("good", "2")]);

        Assert.Equal("good=2", Headers.Inject(new PropagatedContext(default, baggage))["baggage"]);
    }

    [Fact]
    public void An_absent_or_empty_baggage_header_keeps_the_given_baggage()
    {
        var given = new PropagatedContext(default, PropagatedBaggage.Create([new BaggageMember("k", "v")]));

        var result = CorrelationPropagator.Baggage.Extract(given, Headers.Dictionary(null, null, " , "), PropagationCarriers.DictionaryGetter);

        Assert.Equal("v", result.Baggage.GetValue("k"));
    }

    [Fact]
    public void Baggage_added_to_an_activity_is_listed_in_wire_order()
    {
        using var activity = new Activity("consume").Start();

        Headers.BaggageOf("a=1,b=2,c=3").AddTo(activity);

        Assert.Equal(["a", "b", "c"], activity.Baggage.Select(p => p.Key));
        Assert.Equal("2", Correlation.Context.TraceBaggage.GetItem(activity, "b"));
    }

    /// <summary>The baggage header injected from a span that carries <paramref name="baggage"/> (the ambient path, where
    /// properties are found again by key and value).</summary>
    private static string SentFromASpanCarrying(PropagatedBaggage baggage)
    {
        using var activity = new Activity("request").Start();
        baggage.AddTo(activity);
        var sent = new Dictionary<string, string>();
        CorrelationPropagator.Baggage.Inject(activity, sent, PropagationCarriers.DictionarySetter);
        return sent["baggage"];
    }
}
