using System.Diagnostics;
using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Correlation.MEL.Tests.Hosting;

/// <summary>The one line in a real <c>Host.CreateApplicationBuilder</c> application, options from appsettings.json.</summary>
public class GenericHostTests
{
    private const string AppSettings = """
        {
          "Logging": {
            "LogLevel": { "Default": "Information" },
            "Correlation": {
              "Profile": "ElasticCommonSchema",
              "Names": { "TraceId": "traceId" },
              "Baggage": { "tenant.id": "tenant" }
            }
          }
        }
        """;

    private static (IHost Host, CollectingSerilogSink Sink) Build(TempContentRoot root, Action<HostApplicationBuilder> configure)
    {
        var sink = new CollectingSerilogSink();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path, Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(), dispose: true);
        configure(builder);
        return (builder.Build(), sink);
    }

    [Fact]
    public void One_line_with_options_from_appsettings_json()
    {
        using var root = new TempContentRoot(AppSettings);
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        using (var span = TestSpan.Start())
        {
            span.AddBaggage("tenant.id", "acme");
            var logger = host.Services.GetRequiredService<ILogger<GenericHostTests>>();
            AppLog.OrderPlaced(logger, "o-1", 1);

            var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text.StartsWith("Order", StringComparison.Ordinal));
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "traceId"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span.id"));
            Assert.Equal("acme", CollectingSerilogSink.Scalar(logEvent, "tenant"));
            Assert.False(logEvent.Properties.ContainsKey("trace.id"));
            Assert.Equal("o-1", CollectingSerilogSink.Scalar(logEvent, "OrderId"));
        }
    }

    [Fact]
    public void The_readme_configuration_example_works_as_written()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Correlation.MEL", "README.md"));
        var match = System.Text.RegularExpressions.Regex.Match(readme, "```json\n(\\{ \"Logging\".*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, "the README has a Logging:Correlation example");
        var (span, logEvent) = LogOneInSpan(match.Groups[1].Value);
        Assert.Equal(span.TraceId, CollectingSerilogSink.Scalar(logEvent, "traceId"));
        Assert.Equal(span.SpanId, CollectingSerilogSink.Scalar(logEvent, "span.id"));
        Assert.Equal("01", CollectingSerilogSink.Scalar(logEvent, "trace.flags"));
        Assert.Equal("acme", CollectingSerilogSink.Scalar(logEvent, "tenant"));
    }

    /// <summary>Logs one record with <paramref name="appSettings"/>, inside a span with baggage tenant.id=acme.</summary>
    private static ((string TraceId, string SpanId) Span, global::Serilog.Events.LogEvent Event) LogOneInSpan(string appSettings)
    {
        using var root = new TempContentRoot(appSettings);
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        using (var span = TestSpan.Start())
        {
            span.AddBaggage("tenant.id", "acme");
            host.Services.GetRequiredService<ILogger<GenericHostTests>>().LogInformation("One");
            return ((span.TraceId(), span.SpanId()), Assert.Single(sink.Events, e => e.MessageTemplate.Text == "One"));
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Correlation.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }

    [Fact]
    public void Code_wins_over_configuration()
    {
        using var root = new TempContentRoot(AppSettings);
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation(o => o.Context.Names[TraceFields.TraceId] = "fromCode"));
        using (host)
        using (var span = TestSpan.Start())
        {
            host.Services.GetRequiredService<ILogger<GenericHostTests>>().LogInformation("Code");
            var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text == "Code");
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "fromCode"));
            Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span.id"));
        }
    }

    [Fact]
    public void An_invalid_configuration_value_is_ignored_and_the_application_still_logs()
    {
        using var root = new TempContentRoot("""{ "Logging": { "Correlation": { "Profile": "NoSuchProfile", "DropUnsampledTraces": "maybe" } } }""");
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        using (var span = TestSpan.Start())
        {
            host.Services.GetRequiredService<ILogger<GenericHostTests>>().LogInformation("Still");
            var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text == "Still");
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        }
    }

    [Theory]
    [InlineData("""{ "Logging": { "Correlation": { "Names": { "TraceId": "" } } } }""")]
    [InlineData("""{ "Logging": { "Correlation": { "Names": { "TraceId": "span_id" } } } }""")]
    [InlineData("""{ "Logging": { "Correlation": { "Baggage": { "tenant.id": "trace_id" } } } }""")]
    [InlineData("""{ "Logging": { "Correlation": { "Profile": "7" } } }""")]
    [InlineData("""{ "Logging": { "Correlation": { "Profile": "", "Fields": " " } } }""")]
    public void A_configuration_value_the_options_reject_is_ignored_and_the_application_starts(string json)
    {
        var (span, logEvent) = LogOneInSpan(json);
        Assert.Equal(span.TraceId, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        Assert.Equal(span.SpanId, CollectingSerilogSink.Scalar(logEvent, "span_id"));
    }

    [Theory]
    [InlineData("""{ "Logging": { "Correlation": { "Profile": "NoSuchProfile" } } }""", "Logging:Correlation:Profile")]
    [InlineData("""{ "Logging": { "Correlation": { "Fields": "TraceId, Bogus" } } }""", "Logging:Correlation:Fields")]
    [InlineData("""{ "Logging": { "Correlation": { "Names": { "Trace": "id" } } } }""", "Logging:Correlation:Names:Trace")]
    [InlineData("""{ "Logging": { "Correlation": { "Names": "traceId" } } }""", "Logging:Correlation:Names")]
    [InlineData("""{ "Logging": { "Correlation": { "Baggage": "tenant.id" } } }""", "Logging:Correlation:Baggage")]
    [InlineData("""{ "Logging": { "Correlation": { "ResourceFields": "service.name" } } }""", "Logging:Correlation:ResourceFields")]
    [InlineData("""{ "Logging": { "Correlation": { "DropUnsampledTraces": "maybe" } } }""", "Logging:Correlation:DropUnsampledTraces")]
    public void A_bad_configuration_value_is_reported_on_the_event_source_naming_the_setting(string json, string setting)
    {
        // The README: "A bad value is reported on the Correlation EventSource and ignored". A single string where a map
        // or list belongs ("Baggage": "tenant.id") was ignored without a word.
        using var listener = new InvalidConfigurationListener();
        var (span, logEvent) = LogOneInSpan(json);

        Assert.Equal(span.TraceId, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        Assert.Contains(setting, listener.Settings);
    }

    [Theory]
    [InlineData("TraceId | SpanId | TraceFlags")]
    [InlineData("TraceId SpanId TraceFlags")]
    public void Fields_take_the_separators_the_serilog_configuration_takes(string fields)
    {
        var (span, logEvent) = LogOneInSpan($$"""{ "Logging": { "Correlation": { "Fields": "{{fields}}" } } }""");
        Assert.Equal(span.TraceId, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        Assert.Equal(span.SpanId, CollectingSerilogSink.Scalar(logEvent, "span_id"));
        Assert.Equal("01", CollectingSerilogSink.Scalar(logEvent, "trace_flags"));
    }

    [Fact]
    public void A_bad_value_does_not_discard_the_good_values_next_to_it()
    {
        var (span, logEvent) = LogOneInSpan("""
            { "Logging": { "Correlation": { "Profile": "NoSuchProfile", "Fields": "TraceId, SpanId, Bogus",
              "Names": { "SpanId": "spanId" }, "Baggage": { "tenant.id": "tenant" }, "MissingFields": "Sometimes" } } }
            """);
        Assert.Equal(span.TraceId, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
        Assert.Equal(span.SpanId, CollectingSerilogSink.Scalar(logEvent, "spanId"));
        Assert.Equal("acme", CollectingSerilogSink.Scalar(logEvent, "tenant"));
    }

    [Fact]
    public void Baggage_as_an_array_takes_key_or_key_equals_field_name_as_in_the_serilog_configuration()
    {
        using var root = new TempContentRoot("""
            { "Logging": { "Correlation": { "Baggage": [ "tenant.id", "user.id=user", "=nameless", " " ] } } }
            """);
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        using (var span = TestSpan.Start())
        {
            span.AddBaggage("tenant.id", "acme");
            span.AddBaggage("user.id", "u-7");
            host.Services.GetRequiredService<ILogger<GenericHostTests>>().LogInformation("Array");
            var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text == "Array");
            Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            Assert.Equal("acme", CollectingSerilogSink.Scalar(logEvent, "tenant.id"));
            Assert.Equal("u-7", CollectingSerilogSink.Scalar(logEvent, "user"));
            Assert.DoesNotContain(logEvent.Properties.Keys, k => k is "0" or "1" or "2" or "3" or "nameless" or "");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Coexists_with_enable_enrichment_in_either_order(bool correlationFirst)
    {
        using var root = new TempContentRoot("{}");
        var (host, sink) = Build(root, builder =>
        {
            if (correlationFirst)
            {
                builder.Logging.AddTraceCorrelation();
            }

            builder.Logging.EnableEnrichment();
            builder.Services.AddLogEnricher<TenantEnricher>();
            builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
            if (!correlationFirst)
            {
                builder.Logging.AddTraceCorrelation();
            }
        });
        using (host)
        using (var span = TestSpan.Start())
        {
            var logger = host.Services.GetRequiredService<ILogger<GenericHostTests>>();
            AppLog.OrderPlaced(logger, "o-9", 9);
            logger.LogInformation("Plain {Value}", 5);

            var events = sink.Events.Where(e => e.MessageTemplate.Text.StartsWith("Order", StringComparison.Ordinal) || e.MessageTemplate.Text.StartsWith("Plain", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, events.Length);
            foreach (var logEvent in events)
            {
                Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
                Assert.Equal(span.SpanId(), CollectingSerilogSink.Scalar(logEvent, "span_id"));
                Assert.Equal("tenant-enricher", CollectingSerilogSink.Scalar(logEvent, "enriched.by"));
            }

            Assert.Equal("o-9", CollectingSerilogSink.Scalar(events[0], "OrderId"));
            Assert.Equal("5", CollectingSerilogSink.Scalar(events[1], "Value"));
        }
    }

    [Fact]
    public void After_enable_enrichment_a_classified_parameter_is_written_as_without_our_fields()
    {
        static global::Serilog.Events.LogEvent SignIn(bool correlated, Activity span)
        {
            using var root = new TempContentRoot("{}");
            var (host, sink) = Build(root, builder =>
            {
                builder.Logging.EnableEnrichment();
                if (correlated)
                {
                    builder.Logging.AddTraceCorrelation();
                }
            });
            using (host)
            {
                ClassifiedLog.SignedIn(host.Services.GetRequiredService<ILogger<GenericHostTests>>(), "u-1", "10.0.0.1");
                var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text.StartsWith("User", StringComparison.Ordinal));
                Assert.Equal(correlated ? span.TraceId() : null, CollectingSerilogSink.Scalar(logEvent, "trace_id"));
                Assert.Equal(correlated ? span.SpanId() : null, CollectingSerilogSink.Scalar(logEvent, "span_id"));
                return logEvent;
            }
        }

        using var span = TestSpan.Start();
        var without = SignIn(correlated: false, span);
        var with = SignIn(correlated: true, span);
        Assert.NotNull(CollectingSerilogSink.Scalar(without, "Address"));
        Assert.Equal(CollectingSerilogSink.Scalar(without, "Address"), CollectingSerilogSink.Scalar(with, "Address"));
        Assert.Equal("u-1", CollectingSerilogSink.Scalar(with, "UserId"));
        Assert.Equal(without.RenderMessage(), with.RenderMessage());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Options_that_clash_in_code_fail_at_startup_whatever_the_order_with_enable_enrichment(bool correlationFirst)
    {
        using var root = new TempContentRoot("{}");
        var exception = Record.Exception(() =>
        {
            var (host, _) = Build(root, builder =>
            {
                void Correlate() => builder.Logging.AddTraceCorrelation(o =>
                {
                    o.Context.Names[TraceFields.TraceId] = "id";
                    o.Context.Names[TraceFields.SpanId] = "id";
                });

                if (correlationFirst)
                {
                    Correlate();
                }

                builder.Logging.EnableEnrichment();
                if (!correlationFirst)
                {
                    Correlate();
                }
            });
            using (host)
            {
                host.Services.GetRequiredService<ILoggerFactory>();
            }
        });

        // Configuration code throws (HOUSE-STYLE "Errors"), not each record later (there: no fields, only an event per record).
        Assert.IsAssignableFrom<ArgumentException>(exception);
    }

    [Fact]
    public void Records_dropped_as_unsampled_are_reported_once_when_the_host_is_disposed()
    {
        using var listener = new DroppedListener();
        using var root = new TempContentRoot("""{ "Logging": { "Correlation": { "DropUnsampledTraces": true } } }""");
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        {
            var logger = host.Services.GetRequiredService<ILogger<GenericHostTests>>();
            using (TestSpan.Start(sampled: false))
            {
                for (var i = 0; i < 7; i++)
                {
                    logger.LogInformation("Dropped");
                }
            }

            Assert.DoesNotContain(sink.Events, e => e.MessageTemplate.Text == "Dropped");
            Assert.Empty(listener.Counts(7));
        }

        Assert.Single(listener.Counts(7));
    }

    /// <summary>Listens to the Correlation EventSource's InvalidConfiguration events and keeps the settings they name.</summary>
    private sealed class InvalidConfigurationListener : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _settings = new();

        public string[] Settings => _settings.ToArray();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "InvalidConfiguration" && eventData.Payload is { Count: 3 } payload && payload[0] is string setting)
            {
                _settings.Enqueue(setting);
            }
        }
    }

    /// <summary>Listens to the Correlation EventSource's Dropped events of Correlation.MEL.</summary>
    private sealed class DroppedListener : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _counts = new();

        public long[] Counts(long count) => _counts.Where(c => c == count).ToArray();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "Dropped" && eventData.Payload is { Count: 3 } payload && Equals(payload[0], "Correlation.MEL"))
            {
                _counts.Enqueue(Convert.ToInt64(payload[1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public void Fields_flags_and_drop_unsampled_traces_from_appsettings_json()
    {
        using var root = new TempContentRoot("""
            { "Logging": { "Correlation": { "Fields": "TraceId, SpanId, TraceFlags", "DropUnsampledTraces": true } } }
            """);
        var (host, sink) = Build(root, builder => builder.Logging.AddTraceCorrelation());
        using (host)
        {
            var logger = host.Services.GetRequiredService<ILogger<GenericHostTests>>();
            using (TestSpan.Start(sampled: false))
            {
                logger.LogInformation("Dropped");
            }

            using (var span = TestSpan.Start(sampled: true))
            {
                logger.LogInformation("Kept");
                var logEvent = Assert.Single(sink.Events, e => e.MessageTemplate.Text == "Kept");
                Assert.Equal("01", CollectingSerilogSink.Scalar(logEvent, "trace_flags"));
                Assert.Equal(span.TraceId(), CollectingSerilogSink.Scalar(logEvent, "trace_id"));
            }

            Assert.DoesNotContain(sink.Events, e => e.MessageTemplate.Text == "Dropped");
        }
    }
}
