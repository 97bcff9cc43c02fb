using System.Globalization;
using System.Text.Json;

namespace Correlation.NLog.Tests;

public class JsonLayoutTests
{
    [Fact]
    public void OpenTelemetry_profile()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="trace_id" layout="${trace-id}" />
            <attribute name="span_id" layout="${span-id}" />
            <attribute name="trace_flags" layout="${trace-flags}" />
            """));
        using var span = NLogHarness.StartSpan();

        var json = Parse(nlog.LogOne());
        Assert.Equal("hello", json.GetProperty("message").GetString());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", json.GetProperty("trace_id").GetString());
        Assert.Equal(span.SpanId.ToHexString(), json.GetProperty("span_id").GetString());
        Assert.Equal("01", json.GetProperty("trace_flags").GetString());
    }

    [Fact]
    public void Elastic_Common_Schema_profile()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="trace.id" layout="${trace-id}" />
            <attribute name="span.id" layout="${span-id}" />
            <attribute name="service.name" layout="${trace-resource:item=service.name}" />
            """));
        using var span = NLogHarness.StartSpan();

        var json = Parse(nlog.LogOne());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", json.GetProperty("trace.id").GetString());
        Assert.Equal(span.SpanId.ToHexString(), json.GetProperty("span.id").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("service.name").GetString()));
    }

    [Fact]
    public void Datadog_profile_writes_decimal_ids()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="dd.trace_id" layout="${trace-id:format=datadog}" />
            <attribute name="dd.span_id" layout="${span-id:format=datadog}" />
            """));
        using var span = NLogHarness.StartSpan("4bf92f3577b34da6a3ce929d0e0e4736");

        var json = Parse(nlog.LogOne());
        Assert.Equal("11803532876627986230", json.GetProperty("dd.trace_id").GetString());
        var spanDecimal = ulong.Parse(span.SpanId.ToHexString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        Assert.Equal(spanDecimal.ToString(CultureInfo.InvariantCulture), json.GetProperty("dd.span_id").GetString());
    }

    [Fact]
    public void Outside_a_span_the_attributes_are_left_out()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="trace_id" layout="${trace-id}" />
            <attribute name="span_id" layout="${span-id}" />
            """));

        var json = Parse(nlog.LogOne());
        Assert.False(json.TryGetProperty("trace_id", out _));
        Assert.False(json.TryGetProperty("span_id", out _));
        Assert.Equal("hello", json.GetProperty("message").GetString());

        // Control: the same layout under a span writes them.
        using var span = NLogHarness.StartSpan();
        json = Parse(nlog.LogOne());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", json.GetProperty("trace_id").GetString());
        Assert.Equal(span.SpanId.ToHexString(), json.GetProperty("span_id").GetString());
    }

    [Fact]
    public void Outside_a_span_includeEmptyValue_writes_them_empty()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="trace_id" layout="${trace-id}" includeEmptyValue="true" />
            """));

        Assert.Equal(string.Empty, Parse(nlog.LogOne()).GetProperty("trace_id").GetString());

        // Control: the same layout under a span writes the id.
        using var span = NLogHarness.StartSpan();
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Parse(nlog.LogOne()).GetProperty("trace_id").GetString());
    }

    [Fact]
    public void Trace_sampled_can_be_a_json_boolean()
    {
        using var nlog = NLogHarness.FromXml(Config("""
            <attribute name="sampled" layout="${trace-sampled}" encode="false" />
            """));
        using var span = NLogHarness.StartSpan(flags: ActivityTraceFlags.Recorded);

        Assert.True(Parse(nlog.LogOne()).GetProperty("sampled").GetBoolean());
    }

    private static string Config(string attributes) => $$"""
        <nlog throwConfigExceptions="true">
          <extensions><add assembly="Correlation.NLog" /></extensions>
          <targets>
            <target name="m" type="Memory">
              <layout type="JsonLayout">
                <attribute name="message" layout="${message}" />
                {{attributes}}
              </layout>
            </target>
          </targets>
          <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
        </nlog>
        """;

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement.Clone();
}
