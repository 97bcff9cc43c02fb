using Correlation.Configuration;

namespace Correlation.Core.Tests.Configuration;

public class KeyValueListParserTests
{
    [Fact]
    public void Members_are_trimmed_and_empty_members_skipped()
    {
        Assert.True(KeyValueListParser.TryParse(" a = 1 ,, b=2 ,", out var pairs, out _));
        Assert.Equal([new("a", "1"), new("b", "2")], pairs);
    }

    [Fact]
    public void Percent_decoding_happens_after_splitting()
    {
        Assert.True(KeyValueListParser.TryParse("k%3Dx=v%2Cw", out var pairs, out _));
        Assert.Equal("k=x", pairs[0].Key);
        Assert.Equal("v,w", pairs[0].Value);
    }

    [Fact]
    public void Multi_byte_utf8_and_surrogate_pairs_survive()
    {
        Assert.True(KeyValueListParser.TryParse("emoji=%F0%9F%98%80😀", out var pairs, out _));
        Assert.Equal("😀😀", pairs[0].Value);
    }

    [Theory]
    [InlineData("a=%")]
    [InlineData("a=%4")]
    [InlineData("a=%G1")]
    [InlineData("a=%C3")]
    [InlineData("=value")]
    [InlineData("just-a-key")]
    public void Malformed_lists_are_rejected_whole(string text)
    {
        Assert.False(KeyValueListParser.TryParse("ok=1," + text, out var pairs, out var error));
        Assert.Empty(pairs);
        Assert.NotNull(error);
    }
}
