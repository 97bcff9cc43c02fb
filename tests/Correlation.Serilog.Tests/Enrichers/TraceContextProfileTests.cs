using Correlation.Context;
using Correlation.Serilog.Tests.Support;
using Correlation.Trace;
using Serilog;

namespace Correlation.Serilog.Tests.Enrichers;

public class TraceContextProfileTests
{
    private const string TraceIdDecimal = "11803532876627986230";
    private const string ParentIdDecimal = "67667974448284343";

    public static TheoryData<TraceFieldProfile, string, string, string, string, string> Profiles => new()
    {
        { TraceFieldProfile.OpenTelemetry, "trace_id", "span_id", "parent_span_id", "trace_flags", "service.name" },
        { TraceFieldProfile.Serilog, "TraceId", "SpanId", "ParentId", "TraceFlags", "ServiceName" },
        { TraceFieldProfile.ElasticCommonSchema, "trace.id", "span.id", "parent.id", "trace.flags", "service.name" },
        { TraceFieldProfile.Datadog, "dd.trace_id", "dd.span_id", "dd.parent_id", "dd.trace_flags", "dd.service" },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Every_profile_writes_its_own_names_and_formats(TraceFieldProfile profile, string traceName, string spanName, string parentName, string flagsName, string serviceName)
    {
        var sink = new CollectingSink();
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout").Build();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o =>
            {
                o.Profile = profile;
                o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
                o.Resource = resource;
                o.IncludeResource(Resource.ServiceNameKey);
            })
            .WriteTo.Sink(sink)
            .CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("hello");
        logger.Information("again");

        var datadog = profile == TraceFieldProfile.Datadog;
        foreach (var e in sink.Events)
        {
            Assert.Equal(datadog ? TraceIdDecimal : Spans.TraceId, e.Text(traceName));
            Assert.Equal(datadog ? ulong.Parse(span.SpanId.ToHexString(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) : span.SpanId.ToHexString(), e.Text(spanName));
            Assert.Equal(datadog ? ParentIdDecimal : Spans.ParentId, e.Text(parentName));
            Assert.Equal("01", e.Text(flagsName));
            Assert.Equal("checkout", e.Text(serviceName));
            Assert.Equal(5, e.Properties.Count);
        }
    }

    [Fact]
    public void The_Serilog_profile_includes_the_parent_id_by_default()
    {
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration().Enrich.WithTraceContext(o => o.Profile = TraceFieldProfile.Serilog).WriteTo.Sink(sink).CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("hello");
        Assert.Equal(Spans.ParentId, sink.Single.Text("ParentId"));
        Assert.Equal(Spans.TraceId, sink.Single.Text("TraceId"));
    }

    [Fact]
    public void Custom_names_replace_the_profiles()
    {
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o =>
            {
                o.Profile = TraceFieldProfile.ElasticCommonSchema;
                o.Names[TraceFields.TraceId] = "traceId";
            })
            .WriteTo.Sink(sink)
            .CreateLogger();
        using var span = Spans.StartChild();
        logger.Information("hello");
        Assert.Equal(Spans.TraceId, sink.Single.Text("traceId"));
        Assert.Equal(span.SpanId.ToHexString(), sink.Single.Text("span.id"));
    }
}
