using System.Diagnostics;
using Correlation.Context;
using Correlation.Core.Tests.Support;
using Correlation.Trace;

namespace Correlation.Core.Tests.Context;

public class TraceFieldSetTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";

    private static Dictionary<string, string> Read(TraceFieldSet set, Activity? span)
    {
        var result = new Dictionary<string, string>();
        for (var i = 0; i < set.Fields.Count; i++)
        {
            var value = set.GetValue(span, i);
            if (value is not null)
            {
                result.Add(set.Fields[i].Name, value);
            }
        }

        return result;
    }

    [Fact]
    public void A_bad_field_index_is_an_argument_out_of_range_like_a_list_index()
    {
        var set = TraceFieldSet.Create(new TraceContextOptions());

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => set.GetValue(null, -1));
        Assert.Equal("index", negative.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.GetValue(null, set.Fields.Count));
        Assert.Null(set.GetValue(null, set.Fields.Count - 1));
    }

    [Fact]
    public void Resource_fields_write_arrays_joined_and_numbers_and_bools_in_invariant_text()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment()
            .AddAttribute("host.ips", new object?[] { "10.0.0.1", 2.5, null, 7 })
            .AddAttribute("cpu.share", 0.25)
            .AddAttribute("canary", true)
            .Build();
        var options = new TraceContextOptions { Resource = resource };
        options.ResourceFields["host.ips"] = "ips";
        options.ResourceFields["cpu.share"] = "cpu";
        options.ResourceFields["canary"] = "canary";
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("fr-FR");
        try
        {
            var fields = Read(TraceFieldSet.Create(options), null);

            Assert.Equal("10.0.0.1,2.5,,7", fields["ips"]);
            Assert.Equal("0.25", fields["cpu"]);
            Assert.Equal("true", fields["canary"]);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void OpenTelemetry_profile_writes_trace_id_and_span_id_by_default()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var fields = Read(TraceFieldSet.Create(new TraceContextOptions()), TraceFieldSet.CurrentSpan());

        Assert.Equal(2, fields.Count);
        Assert.Equal(span.TraceId.ToHexString(), fields["trace_id"]);
        Assert.Equal(span.SpanId.ToHexString(), fields["span_id"]);
        Assert.Matches("^[0-9a-f]{32}$", fields["trace_id"]);
        Assert.Matches("^[0-9a-f]{16}$", fields["span_id"]);
    }

    [Fact]
    public void OpenTelemetry_profile_writes_flags_parent_and_state_when_asked()
    {
        using var spans = new TestSpans();
        using var span = spans.StartWithRemoteParent(TraceId, ParentId, ActivityTraceFlags.Recorded, "vendor=value");
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState });

        var fields = Read(set, TraceFieldSet.CurrentSpan());

        Assert.Equal(["trace_id", "span_id", "parent_span_id", "trace_flags", "trace_state"], set.Fields.Select(f => f.Name));
        Assert.Equal(TraceId, fields["trace_id"]);
        Assert.Equal(ParentId, fields["parent_span_id"]);
        Assert.Equal("01", fields["trace_flags"]);
        Assert.Equal("vendor=value", fields["trace_state"]);
    }

    [Fact]
    public void The_trace_state_field_is_the_span_s_own_even_where_propagation_would_send_less()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.TraceState });
        var longState = string.Join(",", Enumerable.Range(0, 30).Select(i => $"k{i:D2}=" + new string('v', 20)));

        span.TraceStateString = longState;
        Assert.Equal(longState, set.GetValue(span, 0));
        span.TraceStateString = "Vendor=1";
        Assert.Equal("Vendor=1", set.GetValue(span, 0));
    }

    [Theory]
    [InlineData(ActivityTraceFlags.None, "00")]
    [InlineData(ActivityTraceFlags.Recorded, "01")]
    [InlineData((ActivityTraceFlags)2, "02")]
    [InlineData((ActivityTraceFlags)3, "03")]
    public void Trace_flags_are_two_hex_digits_with_sampled_and_random_bits(ActivityTraceFlags flags, string expected)
    {
        using var spans = new TestSpans(ActivitySamplingResult.AllData);
        using var span = spans.StartWithRemoteParent(TraceId, ParentId, flags);
        span.ActivityTraceFlags = flags;
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.TraceFlags });

        Assert.Equal(expected, set.GetValue(span, 0));
    }

    [Fact]
    public void Serilog_profile_uses_pascal_case_names_and_includes_the_parent()
    {
        using var spans = new TestSpans();
        using var parent = spans.Start("parent");
        using var child = spans.Start("child");
        var fields = Read(TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Serilog }), TraceFieldSet.CurrentSpan());

        Assert.Equal(child.TraceId.ToHexString(), fields["TraceId"]);
        Assert.Equal(child.SpanId.ToHexString(), fields["SpanId"]);
        Assert.Equal(parent.SpanId.ToHexString(), fields["ParentId"]);
    }

    [Fact]
    public void Elastic_common_schema_profile_uses_dotted_names()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var fields = Read(TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.ElasticCommonSchema }), span);

        Assert.Equal(span.TraceId.ToHexString(), fields["trace.id"]);
        Assert.Equal(span.SpanId.ToHexString(), fields["span.id"]);
        Assert.Equal(2, fields.Count);
    }

    [Fact]
    public void Datadog_profile_writes_the_lower_64_bits_in_decimal()
    {
        using var spans = new TestSpans();
        using var span = spans.StartWithRemoteParent(TraceId, ParentId);
        var set = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog, Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId });

        var fields = Read(set, span);

        Assert.Equal("11803532876627986230", fields["dd.trace_id"]);
        Assert.Equal("67667974448284343", fields["dd.parent_id"]);
        Assert.Equal(ulong.Parse(span.SpanId.ToHexString(), System.Globalization.NumberStyles.HexNumber).ToString(System.Globalization.CultureInfo.InvariantCulture), fields["dd.span_id"]);
    }

    [Fact]
    public void Datadog_decimals_are_computed_once_per_span()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var set = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog });

        Assert.Same(set.GetValue(span, 0), set.GetValue(span, 0));
        Assert.Same(set.GetValue(span, 1), set.GetValue(span, 1));
    }

    [Fact]
    public void Custom_names_replace_the_profile_names()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var options = new TraceContextOptions { Profile = TraceFieldProfile.ElasticCommonSchema };
        options.Names[TraceFields.TraceId] = "traceId";
        options.Names[TraceFields.SpanId] = "spanId";

        var fields = Read(TraceFieldSet.Create(options), span);

        Assert.Equal(span.TraceId.ToHexString(), fields["traceId"]);
        Assert.Equal(span.SpanId.ToHexString(), fields["spanId"]);
    }

    [Fact]
    public void Two_fields_with_one_name_are_a_configuration_error()
    {
        var options = new TraceContextOptions();
        options.Names[TraceFields.SpanId] = "trace_id";

        var error = Assert.Throws<ArgumentException>(() => TraceFieldSet.Create(options));
        Assert.Contains("trace_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_name_unknown_profile_or_unknown_missing_field_behaviour_is_a_configuration_error()
    {
        var options = new TraceContextOptions();
        options.Names[TraceFields.TraceId] = " ";
        Assert.Throws<ArgumentException>(() => TraceFieldSet.Create(options));
        Assert.Throws<ArgumentException>(() => TraceFieldSet.Create(new TraceContextOptions { Profile = (TraceFieldProfile)42 }));
        Assert.Throws<ArgumentException>(() => TraceFieldSet.Create(new TraceContextOptions { MissingFields = (MissingFieldBehavior)7 }));
    }

    [Theory]
    [InlineData(TraceFields.TraceId | TraceFields.SpanId)]
    [InlineData(TraceFields.None)]
    [InlineData((TraceFields)64)]
    public void A_rename_of_anything_but_one_span_field_is_a_configuration_error(TraceFields key)
    {
        // Such a name was silently never used: the record kept the profile's names while the code said otherwise.
        var options = new TraceContextOptions();
        options.Names[key] = "renamed";

        var error = Assert.Throws<ArgumentException>(() => TraceFieldSet.Create(options));
        Assert.Contains("one span field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_span_fields_are_omitted_by_default()
    {
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.TraceFlags });
        Assert.Null(Activity.Current);

        Assert.Empty(Read(set, TraceFieldSet.CurrentSpan()));

        // Control: the same set, read the same way under a span, gives all three.
        using var spans = new TestSpans();
        using var span = spans.Start();
        Assert.Equal(3, Read(set, TraceFieldSet.CurrentSpan()).Count);
    }

    [Fact]
    public void Outside_a_span_fields_are_written_empty_when_asked()
    {
        var set = TraceFieldSet.Create(new TraceContextOptions { MissingFields = MissingFieldBehavior.WriteEmpty, Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId });

        var fields = Read(set, null);

        Assert.Equal(3, fields.Count);
        Assert.All(fields.Values, v => Assert.Equal(string.Empty, v));
    }

    [Fact]
    public void A_root_span_has_no_parent_field()
    {
        using var spans = new TestSpans();
        using var root = spans.Start();
        var fields = Read(TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Serilog }), root);

        Assert.False(fields.ContainsKey("ParentId"));
        Assert.True(fields.ContainsKey("TraceId"));
    }

    [Fact]
    public void Hierarchical_activities_are_treated_as_no_span()
    {
        var activity = new Activity("legacy");
        activity.SetIdFormat(ActivityIdFormat.Hierarchical);
        activity.Start();
        try
        {
            Assert.Null(TraceFieldSet.CurrentSpan());
            Assert.False(TraceContextSnapshot.Current.IsValid);
        }
        finally
        {
            activity.Stop();
        }

        // Control: a W3C activity started the same way is a span.
        var w3c = new Activity("w3c");
        w3c.SetIdFormat(ActivityIdFormat.W3C);
        using (w3c.Start())
        {
            Assert.Same(w3c, TraceFieldSet.CurrentSpan());
            Assert.True(TraceContextSnapshot.Current.IsValid);
        }
    }

    [Fact]
    public void Baggage_allow_list_writes_listed_keys_under_their_names()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        span.AddBaggage("tenant.id", "acme-corp");
        span.AddBaggage("secret", "do-not-log");
        var options = new TraceContextOptions().IncludeBaggage("tenant.id").IncludeBaggage("region", "cloud_region");

        var fields = Read(TraceFieldSet.Create(options), span);

        Assert.Equal("acme-corp", fields["tenant.id"]);
        Assert.False(fields.ContainsKey("cloud_region"));
        Assert.DoesNotContain("do-not-log", fields.Values);
    }

    [Fact]
    public void Baggage_added_during_a_span_is_seen_by_the_next_event()
    {
        using var spans = new TestSpans();
        using var span = spans.Start();
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.None }.IncludeBaggage("step"));

        Assert.Null(set.GetValue(span, 0));
        span.SetBaggage("step", "one");
        Assert.Equal("one", set.GetValue(span, 0));
        span.SetBaggage("step", "two");
        Assert.Equal("two", set.GetValue(span, 0));
    }

    [Fact]
    public void Resource_fields_come_from_the_given_resource_under_profile_names()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("orders", "1.2.3", "production").Build();
        var options = new TraceContextOptions { Profile = TraceFieldProfile.Datadog, Resource = resource }.IncludeServiceFields();

        var fields = Read(TraceFieldSet.Create(options), null);

        Assert.Equal("orders", fields["dd.service"]);
        Assert.Equal("1.2.3", fields["dd.version"]);
        Assert.Equal("production", fields["dd.env"]);
    }

    [Fact]
    public void Two_field_sets_never_share_cached_values()
    {
        using var spans = new TestSpans();
        using var span = spans.StartWithRemoteParent(TraceId, ParentId);
        var hex = TraceFieldSet.Create(new TraceContextOptions());
        var dd = TraceFieldSet.Create(new TraceContextOptions { Profile = TraceFieldProfile.Datadog });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TraceId, hex.GetValue(span, 0));
            Assert.Equal("11803532876627986230", dd.GetValue(span, 0));
        }
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("ToString threw");
    }

    private sealed class NotAnArray : System.Collections.IEnumerable
    {
        // An endless or self-referencing sequence would never end; this one shows whether it is enumerated at all.
        public System.Collections.IEnumerator GetEnumerator() => throw new InvalidOperationException("enumerated");

        public override string ToString() => "not-an-array";
    }

    [Fact]
    public void A_resource_value_whose_ToString_throws_or_that_is_not_an_array_never_breaks_or_hangs_a_log_event()
    {
        using var diagnostics = new Trace.DiagnosticsCapture();
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("orders")
            .AddAttribute("team", new ThrowingToString())
            .AddAttribute("zones", new NotAnArray())
            .Build();
        var options = new TraceContextOptions { Resource = resource }.IncludeResource("team").IncludeResource("zones").IncludeResource(Resource.ServiceNameKey);
        using var span = new Activity("op").SetParentId(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(ParentId)).Start();

        var fields = Read(TraceFieldSet.Create(options), span);

        // One value that cannot be read costs only its own field (before: every resource field of every record, the
        // sequence enumerated on each event): the span's ids and the other resource fields are written.
        Assert.Equal(TraceId, fields["trace_id"]);
        Assert.Equal("orders", fields[Resource.ServiceNameKey]);
        Assert.Equal("not-an-array", fields["zones"]); // as the OTLP exporter writes it: only arrays are lists
        Assert.False(fields.ContainsKey("team"));
        Assert.Equal("orders", resource.ServiceName);
        Assert.True(diagnostics.Has("ErrorSwallowed", "team", "ToString threw"));
    }
}
