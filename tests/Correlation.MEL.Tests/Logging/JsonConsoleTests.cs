using System.Text;
using System.Text.Json;
using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Correlation.MEL.Tests.Logging;

/// <summary>Records written through the real console provider with the JSON formatter (output captured from Console.Out).</summary>
[Collection(nameof(ConsoleTests))]
public class JsonConsoleTests
{
    private static List<JsonDocument> Run(bool correlationFirst, Action<ILoggingBuilder>? more, Action<ILogger> write, Action<Correlation.Logging.TraceCorrelationLoggerOptions>? configure = null)
    {
        using var capture = new ConsoleCapture();
        var factory = LoggerFactory.Create(builder =>
        {
            if (correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }

            builder.AddJsonConsole(o => o.IncludeScopes = true);
            more?.Invoke(builder);
            if (!correlationFirst)
            {
                builder.AddTraceCorrelation(configure);
            }
        });
        write(factory.CreateLogger("Json"));

        // Disposing the factory drains the console logger's background queue.
        factory.Dispose();
        return capture.JsonLines();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fields_are_in_the_records_own_state_not_only_in_scopes(bool correlationFirst)
    {
        string traceId = "", spanId = "";
        var lines = Run(correlationFirst, null, logger =>
        {
            using var span = TestSpan.Start();
            traceId = span.TraceId();
            spanId = span.SpanId();
            AppLog.WriteEachCallShape(logger);
        });

        Assert.Equal(4, lines.Count);
        foreach (var line in lines)
        {
            Assert.Equal(traceId, JsonAssert.StateValue(line, "trace_id"));
            Assert.Equal(spanId, JsonAssert.StateValue(line, "span_id"));
            JsonAssert.NoDuplicateKeys(line.RootElement);
        }

        var first = lines[0].RootElement;
        Assert.Equal("Hello world", first.GetProperty("Message").GetString());
        Assert.Equal("Hello {Name}", JsonAssert.StateValue(lines[0], "{OriginalFormat}"));
        Assert.Equal("world", JsonAssert.StateValue(lines[0], "Name"));
        Assert.Equal("Order o-1 placed with 2 items", lines[1].RootElement.GetProperty("Message").GetString());
        Assert.Equal("Seven 1 2 3 4 5 6 7", lines[3].RootElement.GetProperty("Message").GetString());

        // {OriginalFormat} stays the last entry of the state, after the fields.
        var names = first.GetProperty("State").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["Name", "trace_id", "span_id", "{OriginalFormat}"], names);
    }

    [Fact]
    public void Apart_from_the_fields_every_line_is_what_the_formatter_writes_without_correlation()
    {
        static void Write(ILogger logger)
        {
            AppLog.WriteEachCallShape(logger);
            using (logger.BeginScope("Request {RequestId}", "r-1"))
            {
                logger.LogError(new InvalidOperationException("boom"), "Failed {Code}", 42);
            }
        }

        List<JsonDocument> plain;
        using (var capture = new ConsoleCapture())
        {
            var factory = LoggerFactory.Create(builder => builder.AddJsonConsole(o => o.IncludeScopes = true));
            using (TestSpan.Start())
            {
                Write(factory.CreateLogger("Json"));
            }

            factory.Dispose();
            plain = capture.JsonLines();
        }

        var correlated = Run(true, null, logger =>
        {
            using var span = TestSpan.Start();
            Write(logger);
        });

        Assert.Equal(5, plain.Count);
        Assert.Equal(plain.Count, correlated.Count);
        for (var i = 0; i < plain.Count; i++)
        {
            Assert.NotNull(JsonAssert.StateValue(correlated[i], "trace_id"));
            Assert.Equal(JsonAssert.WithoutStateKeys(plain[i].RootElement), JsonAssert.WithoutStateKeys(correlated[i].RootElement, "trace_id", "span_id"));
        }
    }

    [Fact]
    public void Serilog_profile_with_activity_tracking_options_keeps_the_scope_and_has_no_duplicate_keys()
    {
        string traceId = "", spanId = "", parentId = "";
        var lines = Run(false, builder => builder.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId), logger =>
        {
            using var parent = TestSpan.Start("parent");
            using var span = TestSpan.Start("child");
            (traceId, spanId, parentId) = (span.TraceId(), span.SpanId(), parent.SpanId());
            using (logger.BeginScope("Request {RequestId}", "r-1"))
            {
                logger.LogWarning("Both");
            }
        }, o => o.Context.Profile = TraceFieldProfile.Serilog);

        var line = Assert.Single(lines);
        JsonAssert.NoDuplicateKeys(line.RootElement);
        Assert.Equal(traceId, JsonAssert.StateValue(line, "TraceId"));
        Assert.Equal(spanId, JsonAssert.StateValue(line, "SpanId"));
        Assert.Equal(parentId, JsonAssert.StateValue(line, "ParentId"));

        // MEL's own activity scope is still there, with the same values.
        var scopes = line.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var t) && t.GetString() == traceId && s.GetProperty("SpanId").GetString() == spanId);
        Assert.Contains(scopes, s => s.TryGetProperty("RequestId", out var r) && r.GetString() == "r-1");
    }

    [Fact]
    public void A_custom_profile_is_written_with_its_names()
    {
        string traceId = "";
        var lines = Run(true, null, logger =>
        {
            using var span = TestSpan.Start();
            traceId = span.TraceId();
            logger.LogError("Datadog");
        }, o => o.Context.Profile = TraceFieldProfile.Datadog);

        var line = Assert.Single(lines);
        Assert.Equal(IdFormatting.ToDecimalLower64(traceId), JsonAssert.StateValue(line, "dd.trace_id"));
        Assert.Null(JsonAssert.StateValue(line, "trace_id"));
    }

    [Theory]
    [InlineData("""{ "Logging": { "Correlation": { "Baggage": { "tenant.id": "{OriginalFormat}" } } } }""")]
    [InlineData("""{ "Logging": { "Correlation": { "Names": { "SpanId": "{OriginalFormat}" } } } }""")]
    public void A_field_named_original_format_in_configuration_is_ignored_and_the_template_stays_once(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        string traceId = "", spanId = "";
        var lines = Run(true, builder => builder.Services.AddSingleton<IConfiguration>(configuration), logger =>
        {
            using var span = TestSpan.Start();
            span.AddBaggage("tenant.id", "acme");
            traceId = span.TraceId();
            spanId = span.SpanId();
            logger.LogInformation("Hello {Name}", "world");
        });

        // The section is ignored as one whose names clash: the default fields, and the caller's template once.
        var line = Assert.Single(lines);
        JsonAssert.NoDuplicateKeys(line.RootElement);
        Assert.Equal("Hello {Name}", JsonAssert.StateValue(line, "{OriginalFormat}"));
        Assert.Equal(traceId, JsonAssert.StateValue(line, "trace_id"));
        Assert.Equal(spanId, JsonAssert.StateValue(line, "span_id"));
    }
}
