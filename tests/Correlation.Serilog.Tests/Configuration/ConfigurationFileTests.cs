using System.Text;
using Correlation.Serilog.Tests.Support;
using Correlation.Trace;
using Microsoft.Extensions.Configuration;
using Serilog;

namespace Correlation.Serilog.Tests.Configuration;

/// <summary>The configuration-file overload, through Serilog.Settings.Configuration and a real JSON configuration.</summary>
public class ConfigurationFileTests
{
    internal static (ILogger Logger, CollectingSink Sink) FromJson(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var sink = new CollectingSink();
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .WriteTo.Sink(sink)
            .CreateLogger();
        return (logger, sink);
    }

    [Fact]
    public void The_root_readme_line_without_using_finds_the_enricher()
    {
        // README.md's table: "Enrich": ["WithTraceContext"] in configuration, no "Using" (Serilog.Settings.Configuration
        // finds assemblies whose name contains "Serilog" on its own).
        var (logger, sink) = FromJson("""{ "Serilog": { "Enrich": ["WithTraceContext"] } }""");
        using var span = Spans.StartChild();
        logger.Information("hello");

        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
        Assert.Equal(span.SpanId.ToHexString(), sink.Single.Text("span_id"));
    }

    [Fact]
    public void The_plain_name_enables_the_default_fields()
    {
        var (logger, sink) = FromJson("""{ "Serilog": { "Using": [ "Correlation.Serilog" ], "Enrich": [ "WithTraceContext" ] } }""");
        using var span = Spans.StartChild();
        logger.Information("hello");

        Assert.Equal(Spans.TraceId, sink.Single.Text("trace_id"));
        Assert.Equal(span.SpanId.ToHexString(), sink.Single.Text("span_id"));
        Assert.Equal(2, sink.Single.Properties.Count);
    }

    [Fact]
    public void Profile_and_baggage_come_from_the_file()
    {
        var (logger, sink) = FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": { "profile": "Datadog", "baggage": [ "tenant.id" ] } } ] } }
            """);
        using var span = Spans.StartChild();
        span.AddBaggage("tenant.id", "acme");
        logger.Information("hello");

        Assert.Equal("11803532876627986230", sink.Single.Text("dd.trace_id"));
        Assert.Equal("acme", sink.Single.Text("tenant.id"));
        Assert.False(sink.Single.Properties.ContainsKey("dd.parent_id"));
    }

    [Fact]
    public void Every_option_can_be_set_from_the_file()
    {
        var (logger, sink) = FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": {
                "profile": "elasticcommonschema",
                "fields": "TraceId, SpanId, ParentSpanId, TraceFlags",
                "baggage": [ "tenant.id", "user.id=user" ],
                "resource": [ "service.name", "service.version=version" ],
                "names": { "TraceId": "traceId", "TraceFlags": "flags" },
                "writeEmpty": true } } ] } }
            """);
        using var span = Spans.StartChild();
        span.AddBaggage("user.id", "u-7");
        logger.Information("hello");

        var e = sink.Single;
        Assert.Equal(Spans.TraceId, e.Text("traceId"));
        Assert.Equal(span.SpanId.ToHexString(), e.Text("span.id"));
        Assert.Equal(Spans.ParentId, e.Text("parent.id"));
        Assert.Equal("01", e.Text("flags"));
        Assert.Equal("u-7", e.Text("user"));
        Assert.Equal(string.Empty, e.Text("tenant.id"));
        Assert.Equal(ActiveResource.Current.ServiceName, e.Text("service.name"));
        Assert.True(e.Properties.ContainsKey("version"));
    }

    [Fact]
    public void Baggage_and_resource_also_take_the_object_form_of_MELs_section_key_to_field_name()
    {
        // MEL's Logging:Correlation section takes { "tenant.id": "tenant" }; Serilog.Settings.Configuration handed such an
        // object to a string[] as its values alone, so the baggage item "tenant" (not on the allow-list) was written
        // under "tenant" and the resource attribute "svc" (which does not exist) was looked up.
        var (logger, sink) = FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": {
                "baggage": { "tenant.id": "tenant", "user.id": "" },
                "resource": { "service.name": "svc" } } } ] } }
            """);
        using var span = Spans.StartChild();
        span.AddBaggage("tenant.id", "acme");
        span.AddBaggage("user.id", "u-7");
        span.AddBaggage("tenant", "not allow-listed");
        logger.Information("hello");

        var e = sink.Single;
        Assert.Equal("acme", e.Text("tenant"));
        Assert.Equal("u-7", e.Text("user.id"));
        Assert.Equal(ActiveResource.Current.ServiceName, e.Text("svc"));
        Assert.Equal(["span_id", "svc", "tenant", "trace_id", "user.id"], e.Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_empty_object_is_an_empty_allow_list()
    {
        var (logger, sink) = FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ],
              "Enrich": [ { "Name": "WithTraceContext", "Args": { "baggage": {}, "resource": {}, "names": {} } } ] } }
            """);
        using var span = Spans.StartChild();
        span.AddBaggage("tenant.id", "acme");
        logger.Information("hello");

        Assert.Equal(["span_id", "trace_id"], sink.Single.Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_unsampled_trace_filter_can_be_enabled_from_the_file()
    {
        var (logger, sink) = FromJson("""
            { "Serilog": { "Using": [ "Correlation.Serilog" ], "Enrich": [ "WithTraceContext" ],
              "Filter": [ { "Name": "ByExcludingUnsampledTraces" } ] } }
            """);
        using (Spans.StartChild(sampled: false))
        {
            logger.Information("dropped");
        }

        using (Spans.StartChild(sampled: true))
        {
            logger.Information("kept");
        }

        Assert.Equal("kept", sink.Single.MessageTemplate.Text);
    }
}
