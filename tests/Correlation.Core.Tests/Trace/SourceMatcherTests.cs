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
}
