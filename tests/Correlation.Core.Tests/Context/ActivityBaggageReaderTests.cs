using System.Diagnostics;
using Correlation.Context;
using Correlation.Core.Tests.Support;

namespace Correlation.Core.Tests.Context;

/// <summary>The allocation-free baggage walk answers exactly what the runtime's <see cref="Activity.GetBaggageItem"/> answers.</summary>
public class ActivityBaggageReaderTests
{
    [Fact]
    public void The_walk_is_compiled_on_this_runtime()
    {
        Assert.True(ActivityBaggageReader.IsAllocationFree);
    }

    [Fact]
    public void Random_chains_with_repeated_set_and_removed_keys_agree_with_the_runtime()
    {
        var random = new Random(20261125);
        string[] keys = ["a", "b", "c", "d", "tenant.id"];
        using var spans = new TestSpans();
        for (var round = 0; round < 300; round++)
        {
            Activity.Current = null;
            var depth = random.Next(1, 5);
            var chain = new List<Activity>();
            for (var level = 0; level < depth; level++)
            {
                var span = spans.Start($"level{level}");
                for (var op = random.Next(0, 6); op > 0; op--)
                {
                    var key = keys[random.Next(keys.Length)];
                    switch (random.Next(3))
                    {
                        case 0: span.AddBaggage(key, $"add{round}.{level}.{op}"); break;
                        case 1: span.SetBaggage(key, $"set{round}.{level}.{op}"); break;
                        default: span.SetBaggage(key, null); break;
                    }
                }

                chain.Add(span);
            }

            foreach (var span in chain)
            {
                foreach (var key in keys)
                {
                    Assert.Equal(span.GetBaggageItem(key), ActivityBaggageReader.Find(span, key));
                }

                Assert.Null(ActivityBaggageReader.Find(span, "never-set"));
            }

            for (var i = chain.Count - 1; i >= 0; i--)
            {
                chain[i].Dispose();
            }
        }
    }

    [Fact]
    public void Items_added_to_a_running_parent_are_seen_at_once()
    {
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        using var child = spans.Start("child");
        Assert.Null(ActivityBaggageReader.Find(child, "late"));

        parent.AddBaggage("late", "1");

        Assert.Equal("1", ActivityBaggageReader.Find(child, "late"));
    }
}
