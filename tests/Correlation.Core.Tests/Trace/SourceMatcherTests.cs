using Correlation.Trace;

namespace Correlation.Core.Tests.Trace;

public class SourceMatcherTests
{
    [Theory]
    [InlineData("*")]
    [InlineData("**")]
    public void No_pattern_matches_the_nameless_source_of_legacy_activities(string pattern)
    {
        // new Activity(...).Start() reports to a source named "": no sampler of ours decided such a span.
        var matcher = new SourceMatcher([pattern, "MyCompany.*"]);

        Assert.False(matcher.Matches(string.Empty));
        Assert.True(matcher.Matches("MyCompany.Orders"));
    }

    [Theory]
    [InlineData("*", "Orders\nEU", true)]
    [InlineData("Orders*", "Orders\nEU", true)]
    [InlineData("Orders?EU", "Orders\nEU", true)]
    [InlineData("Order*s", "Orders\n", false)]
    [InlineData("Orders?", "Orders\n\n", false)]
    public void A_line_break_in_a_source_name_is_one_more_character(string pattern, string name, bool expected)
        => Assert.Equal(expected, new SourceMatcher([pattern]).Matches(name));
}
