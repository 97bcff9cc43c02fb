using Correlation.Context;
using Correlation.Trace;
using OpenTelemetry;

namespace Correlation.NLog.Tests;

/// <summary>
/// The renderers write what the Serilog and MEL adapters write for the same options: those adapters write the values of
/// a Core <see cref="TraceFieldSet"/> (tests/Correlation.MEL.Tests AdapterParityTests compares the two), so each
/// renderer is compared here with the field set of the equivalent options, in the span states where they could part.
/// </summary>
[Collection(nameof(LayoutRenderers.TraceResourceLayoutRendererTests))]
public class AdapterParityTests
{
    private const TraceFields AllSpanFields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState;

    [Fact]
    public void Every_renderer_writes_the_value_the_other_adapters_write_for_the_same_options()
    {
        using var nlog = NLogHarness.ForLayout(
            "${trace-id}|${span-id}|${parent-span-id}|${trace-flags}|${trace-state}|${baggage:item=tenant.id}|"
            + "${trace-id:format=datadog}|${span-id:format=datadog}|${parent-span-id:format=datadog}|${trace-resource:item=service.name}");
        var openTelemetry = TraceFieldSet.Create(new TraceContextOptions { Fields = AllSpanFields }.IncludeBaggage("tenant.id"));
        var datadog = TraceFieldSet.Create(new TraceContextOptions
        {
            Profile = TraceFieldProfile.Datadog,
            Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId,
        }.IncludeResource("service.name"));
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout").Build();
        ActiveResource.AddProvider(resource);
        var previousBaggage = Baggage.Current;
        var checkedStates = new List<string>();
        try
        {
            void Check(string state)
            {
                var span = TraceFieldSet.CurrentSpan();
                var values = new List<string?>();
                foreach (var set in new[] { openTelemetry, datadog })
                {
                    for (var i = 0; i < set.Fields.Count; i++)
                    {
                        values.Add(set.GetValue(span, i));
                    }
                }

                Assert.True(values.Exists(v => !string.IsNullOrEmpty(v)), state);
                Assert.Equal((state, string.Join("|", values)), (state, nlog.LogOne()));
                checkedStates.Add(state);
            }

            Activity.Current = null;
            using (var legacy = new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).Start())
            {
                legacy.AddBaggage("tenant.id", "from-hierarchical");
                Check("hierarchical");
            }

            Activity.Current = null;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant.id"] = "from-otel" });
            Check("outside a span, OpenTelemetry baggage");
            using (var root = NLogHarness.StartRootSpan((ActivityTraceFlags)2))
            {
                root.TraceStateString = "a=b";
                root.AddBaggage("tenant.id", "from-activity");
                Check("root, random flag only");
                using (new Activity("child").Start())
                {
                    Check("child");
                }
            }

            Baggage.Current = previousBaggage;
            Activity.Current = null;

            // A stopped span made current again by a child that stops after it (Stop restores what was current at Start).
            var stopped = NLogHarness.StartSpan();
            var child = new Activity("child").Start();
            stopped.Stop();
            child.Stop();
            Assert.Same(stopped, Activity.Current);
            Check("stopped");
        }
        finally
        {
            Baggage.Current = previousBaggage;
            Activity.Current = null;
            ActiveResource.RemoveProvider(resource);
        }

        Assert.Equal(5, checkedStates.Count);
    }
}
