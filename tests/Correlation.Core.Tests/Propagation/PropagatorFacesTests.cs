using System.Diagnostics;
using Correlation.Context;
using Correlation.Propagation;
using OpenTelemetry.Context.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>The DistributedContextPropagator and OpenTelemetry TextMapPropagator faces, and SPEC 10 (one baggage truth).</summary>
[Collection(AmbientContextGroup.Name)]
public class PropagatorFacesTests
{
    private static readonly DistributedContextPropagator.PropagatorGetterCallback s_getter =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((IDictionary<string, string>)carrier!).TryGetValue(name, out var found) ? found : null;
        };

    private static readonly DistributedContextPropagator.PropagatorGetterCallback s_multiGetter =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            value = null;
            values = ((IDictionary<string, string[]>)carrier!).TryGetValue(name, out var found) ? found : null;
        };

    [Fact]
    public void The_DistributedContextPropagator_extracts_a_canonical_traceparent_and_tracestate()
    {
        var propagator = CorrelationPropagator.Default.ToDistributedContextPropagator();
        var headers = Headers.Dictionary("01-" + Headers.TraceId + "-" + Headers.SpanId + "-ff-future", " a=1 ,b=2");

        propagator.ExtractTraceIdAndState(headers, s_getter, out var traceId, out var traceState);

        Assert.Equal(Headers.Valid[..^2] + "03", traceId);
        Assert.Equal("a=1,b=2", traceState);
        Assert.True(ActivityContext.TryParse(traceId, traceState, isRemote: true, out var parsed));
        Assert.Equal(Headers.TraceId, parsed.TraceId.ToHexString());
        Assert.Equal(["traceparent", "tracestate", "baggage"], propagator.Fields);
    }

    [Fact]
    public void The_DistributedContextPropagator_rejects_two_traceparent_fields_given_as_a_list()
    {
        var propagator = CorrelationPropagator.Default.ToDistributedContextPropagator();
        var headers = new Dictionary<string, string[]> { ["traceparent"] = [Headers.Valid, Headers.Valid], ["tracestate"] = ["a=1", "b=2"] };

        propagator.ExtractTraceIdAndState(headers, s_multiGetter, out var traceId, out var traceState);

        Assert.Null(traceId);
        Assert.Null(traceState);
    }

    [Fact]
    public void The_DistributedContextPropagator_returns_baggage_reversed_so_AddBaggage_keeps_wire_order()
    {
        var propagator = CorrelationPropagator.Default.ToDistributedContextPropagator();
        var baggage = propagator.ExtractBaggage(Headers.Dictionary(null, null, "a=1,b=2;p,c=%C3%A9"), s_getter)!.ToList();
        using var activity = new Activity("server");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();

        foreach (var pair in baggage)
        {
            activity.AddBaggage(pair.Key, pair.Value);
        }

        Assert.Equal(["a", "b", "c"], activity.Baggage.Select(p => p.Key));
        Assert.Equal("\u00e9", TraceBaggage.GetItem(activity, "c"));
        var sent = new Dictionary<string, string>();
        propagator.Inject(activity, sent, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);
        Assert.Equal("a=1,b=2;p,c=%C3%A9", sent["baggage"]);
    }

    [Fact]
    public void A_getter_that_throws_gives_no_context_and_no_exception()
    {
        var propagator = CorrelationPropagator.Default.ToDistributedContextPropagator();
        var calls = new List<string>();
        DistributedContextPropagator.PropagatorGetterCallback broken = (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            calls.Add(name);
            throw new InvalidOperationException("broken");
        };

        propagator.ExtractTraceIdAndState(new object(), broken, out var traceId, out var traceState);
        var baggage = propagator.ExtractBaggage(new object(), broken);

        Assert.Null(traceId);
        Assert.Null(traceState);
        Assert.Null(baggage);

        // The getter really was called (and threw) for each: the exceptions were stopped, not avoided.
        Assert.Equal(["traceparent", "baggage"], calls);
    }

    [Fact]
    public void Injection_sends_the_merged_view_where_OpenTelemetry_baggage_wins()
    {
        using var parent = new Activity("parent").SetIdFormat(ActivityIdFormat.W3C).Start();
        parent.AddBaggage("shared", "from-activity");
        parent.AddBaggage("activityOnly", "1");
        var previous = OpenTelemetry.Baggage.Current;
        try
        {
            OpenTelemetry.Baggage.Current = OpenTelemetry.Baggage.Create(new Dictionary<string, string> { ["shared"] = "from-otel", ["otelOnly"] = "2" });
            var headers = new Dictionary<string, string>();

            CorrelationPropagator.Default.InjectCurrent(headers, PropagationCarriers.DictionarySetter);

            var sent = Headers.BaggageOf(headers["baggage"]);
            Assert.Equal("from-otel", sent.GetValue("shared"));
            Assert.Equal("1", sent.GetValue("activityOnly"));
            Assert.Equal("2", sent.GetValue("otelOnly"));
            Assert.Equal(TraceBaggage.GetItem("shared"), sent.GetValue("shared"));
            Assert.Equal(3, sent.Count);
        }
        finally
        {
            OpenTelemetry.Baggage.Current = previous;
        }
    }

    [Fact]
    public void The_TextMapPropagator_round_trips_context_and_baggage_with_properties()
    {
        var propagator = CorrelationPropagator.Default.ToTextMapPropagator();
        var headers = Headers.Dictionary(Headers.Valid, "a=1", "k=v;ttl=60,u=%C3%A9");

        var context = propagator.Extract(default, headers, static (carrier, name) => carrier.TryGetValue(name, out var value) ? [value] : null);

        Assert.Equal(Headers.TraceId, context.ActivityContext.TraceId.ToHexString());
        Assert.Equal("a=1", context.ActivityContext.TraceState);
        Assert.Equal("\u00e9", context.Baggage.GetBaggage("u"));
        var sent = new Dictionary<string, string>();
        propagator.Inject(context, sent, static (carrier, name, value) => carrier[name] = value);
        Assert.Equal(Headers.Valid, sent["traceparent"]);
        Assert.Equal("a=1", sent["tracestate"]);
        Assert.Equal(Headers.BaggageOf("k=v;ttl=60,u=%C3%A9").OrderBy(m => m.Key, StringComparer.Ordinal), Headers.BaggageOf(sent["baggage"]).OrderBy(m => m.Key, StringComparer.Ordinal));
        Assert.Contains("k=v;ttl=60", sent["baggage"], StringComparison.Ordinal);
    }

    [Fact]
    public void Both_faces_send_the_random_flag_of_the_current_span_under_a_local_parent()
    {
        // OpenTelemetry's manual-injection pattern: new PropagationContext(Activity.Current.Context, Baggage.Current).
        using var spans = new Correlation.Core.Tests.Support.TestSpans();
        using var server = spans.Source.StartActivity("server", ActivityKind.Server, Headers.Extract($"00-{Headers.TraceId}-{Headers.SpanId}-03").ActivityContext)!;
        using var client = spans.Source.StartActivity("client", ActivityKind.Client)!;
        var viaOpenTelemetry = new Dictionary<string, string>();
        var viaDotNet = new Dictionary<string, string>();

        CorrelationPropagator.Default.ToTextMapPropagator().Inject(new PropagationContext(client.Context, default), viaOpenTelemetry, static (carrier, name, value) => carrier[name] = value);
        CorrelationPropagator.Default.ToDistributedContextPropagator().Inject(client, viaDotNet, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);

        Assert.Equal($"00-{Headers.TraceId}-{client.SpanId.ToHexString()}-03", viaDotNet["traceparent"]);
        Assert.Equal(viaDotNet["traceparent"], viaOpenTelemetry["traceparent"]);
    }

    [Fact]
    public void The_TextMapPropagator_works_in_OpenTelemetrys_composite_and_keeps_a_valid_context_on_failure()
    {
        var composite = new CompositeTextMapPropagator([CorrelationPropagator.TraceContext.ToTextMapPropagator(), CorrelationPropagator.Baggage.ToTextMapPropagator()]);
        var existing = new PropagationContext(Headers.Context("x=1"), default);

        var context = composite.Extract(existing, Headers.Dictionary("garbage", "y=2", "k=v"), static (carrier, name) => carrier.TryGetValue(name, out var value) ? [value] : null);

        Assert.Equal(existing.ActivityContext, context.ActivityContext);
        Assert.Equal("v", context.Baggage.GetBaggage("k"));
        Assert.Contains("traceparent", composite.Fields);
    }

    [Fact]
    public void Extracted_baggage_made_current_through_OpenTelemetry_is_what_TraceBaggage_sees()
    {
        var previous = OpenTelemetry.Baggage.Current;
        try
        {
            var extracted = Headers.Extract(Headers.Valid, null, "tenant=acme");
            OpenTelemetry.Baggage.Current = extracted.Baggage.ToOpenTelemetryBaggage();

            Assert.Equal("acme", TraceBaggage.GetItem("tenant"));
        }
        finally
        {
            OpenTelemetry.Baggage.Current = previous;
        }
    }

    [Fact]
    public void Install_sets_the_process_propagator_once()
    {
        var previous = DistributedContextPropagator.Current;
        try
        {
            var first = CorrelationPropagator.Install();
            var second = CorrelationPropagator.Install();

            Assert.Same(first, second);
            Assert.Same(first, DistributedContextPropagator.Current);
        }
        finally
        {
            DistributedContextPropagator.Current = previous;
        }
    }
}
