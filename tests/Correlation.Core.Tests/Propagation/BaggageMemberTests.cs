using System.Diagnostics;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

public class BaggageMemberTests
{
    [Fact]
    public void A_default_member_has_an_empty_key_and_value_as_the_API_promises()
    {
        BaggageMember member = default;

        Assert.Equal(string.Empty, member.Key);
        Assert.Equal(string.Empty, member.Value);
        Assert.Null(member.Properties);
        Assert.Equal(new BaggageMember(string.Empty, string.Empty), member);
    }

    [Fact]
    public void A_default_member_in_a_list_breaks_neither_the_OpenTelemetry_baggage_nor_the_activity()
    {
        var baggage = PropagatedBaggage.Create([default, new BaggageMember("k", "v")]);
        using var activity = new Activity("consume").Start();

        var otel = baggage.ToOpenTelemetryBaggage();
        baggage.AddTo(activity);

        Assert.Equal("v", otel.GetBaggage("k"));
        Assert.DoesNotContain(activity.Baggage, pair => pair.Key is null);
        Assert.Equal("k=v", baggage.ToString());
    }
}
