using System.Text.Json;
using System.Text.RegularExpressions;
using Correlation.Context;
using Correlation.Serilog.Tests.Configuration;
using Correlation.Serilog.Tests.Support;
using Correlation.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Correlation.Serilog.Tests;

/// <summary>The examples of src/Correlation.Serilog/README.md, run as written; their output compared with the README's.</summary>
public class ReadmeExampleTests
{
    private static string Readme()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Correlation.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine(directory.FullName, "src", "Correlation.Serilog", "README.md"));
    }

    /// <summary>The first fenced block of <paramref name="language"/> that contains <paramref name="marker"/>.</summary>
    private static string Block(string language, string marker)
    {
        foreach (Match match in Regex.Matches(Readme(), "```" + language + "\n(.*?)```", RegexOptions.Singleline))
        {
            if (match.Groups[1].Value.Contains(marker, StringComparison.Ordinal))
            {
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException($"No ```{language} block with '{marker}' in the README.");
    }

    [Fact]
    public void The_first_example_writes_the_line_its_comment_shows()
    {
        // The README's first block: .Enrich.WithTraceContext() and a console output template naming trace_id and span_id.
        var block = Block("csharp", "outputTemplate:");
        var template = Regex.Match(block, "outputTemplate: \"(.*?)\"\\)").Groups[1].Value;
        var shown = Regex.Match(block, "^// (\\[.*)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(shown);

        var writer = new TextWriterSink(new global::Serilog.Formatting.Display.MessageTemplateTextFormatter(template));
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext()
            .WriteTo.Sink(writer)
            .CreateLogger();
        string spanId;
        using (var span = Spans.StartChild())
        {
            spanId = span.SpanId.ToHexString();
            logger.Information("Order {OrderId} placed", 42);
        }

        // The README's span is 4bf92f3577b34da6a3ce929d0e0e4736 / 327de9974b57b1dd at 09:41:07; ours differs in span id and time.
        var expected = Regex.Replace(shown.Replace("327de9974b57b1dd", spanId, StringComparison.Ordinal), "^\\[\\d\\d:\\d\\d:\\d\\d", "[");
        var written = Regex.Replace(writer.Text.TrimEnd('\r', '\n'), "^\\[\\d\\d:\\d\\d:\\d\\d", "[");
        Assert.Equal(expected, written);
    }

    [Fact]
    public void The_options_example_writes_the_json_the_readme_shows()
    {
        var writer = new TextWriterSink(new CompactJsonFormatter());
        var logger = new LoggerConfiguration()
            .Enrich.WithTraceContext(o =>
            {
                o.Profile = TraceFieldProfile.OpenTelemetry;
                o.Fields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags;
                o.IncludeBaggage("tenant.id");
                o.IncludeServiceFields();
                o.MissingFields = MissingFieldBehavior.Omit;
            })
            .WriteTo.Sink(writer)
            .CreateLogger();
        using (var span = Spans.StartChild())
        {
            span.AddBaggage("tenant.id", "acme");
            logger.Information("Order {OrderId} placed", 42);
        }

        var shown = JsonDocument.Parse(Block("json", "\"@mt\"")).RootElement;
        var written = JsonDocument.Parse(writer.Text).RootElement;
        // The README's resource is checkout 1.4.2 in production; this process's resource has only what the environment
        // says, and a resource attribute without a value is left out.
        var resource = ActiveResource.Current;
        var expectedKeys = shown.EnumerateObject().Select(p => p.Name)
            .Where(k => k is not ("service.version" or "deployment.environment.name") || resource.GetString(k) is not null)
            .ToArray();
        Assert.Equal(expectedKeys, written.EnumerateObject().Select(p => p.Name).ToArray());
        foreach (var key in new[] { "@tr", "trace_id", "parent_span_id", "trace_flags", "tenant.id" })
        {
            Assert.Equal(shown.GetProperty(key).GetString(), written.GetProperty(key).GetString());
        }

        Assert.Equal(resource.ServiceName, written.GetProperty("service.name").GetString());
    }

    [Fact]
    public void The_configuration_file_example_loads_as_written()
    {
        var (logger, sink) = ConfigurationFileTests.FromJson("{" + Block("json", "\"Serilog\"") + "}");
        using (Spans.StartChild(sampled: false))
        {
            logger.Information("unsampled");
        }

        using (var span = Spans.StartChild())
        {
            span.AddBaggage("user.id", "u-7");
            logger.Information("sampled");
        }

        var e = sink.Single;
        Assert.Equal("sampled", e.MessageTemplate.Text);
        Assert.Equal("11803532876627986230", e.Text("traceId"));
        Assert.NotNull(e.Text("dd.span_id"));
        Assert.Equal(Spans.ParentId, Convert.ToUInt64(e.Text("dd.parent_id"), System.Globalization.CultureInfo.InvariantCulture).ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("u-7", e.Text("user"));
        Assert.Equal(ActiveResource.Current.ServiceName, e.Text("dd.service"));
        Assert.Equal(ActiveResource.Current.GetString("service.version"), e.Text("version"));
    }
}
