using System.Diagnostics;
using Correlation.Context;
using Correlation.MEL.Tests.Support;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Correlation.MEL.Tests.Logging;

/// <summary>The same options give the same fields and values through the MEL adapter and the Serilog enricher.</summary>
public class AdapterParityTests
{
    public static TheoryData<string> Configurations => ["default", "serilog", "ecs-all", "datadog-all", "write-empty", "baggage-only"];

    private static void Configure(string name, TraceContextOptions o)
    {
        const TraceFields all = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState;
        switch (name)
        {
            case "serilog":
                o.Profile = TraceFieldProfile.Serilog;
                break;
            case "ecs-all":
                o.Profile = TraceFieldProfile.ElasticCommonSchema;
                o.Fields = all;
                o.IncludeBaggage("tenant.id").IncludeServiceFields();
                break;
            case "datadog-all":
                o.Profile = TraceFieldProfile.Datadog;
                o.Fields = all;
                o.IncludeBaggage("tenant.id", "tenant").IncludeServiceFields();
                break;
            case "write-empty":
                o.Fields = all;
                o.IncludeBaggage("tenant.id");
                o.MissingFields = MissingFieldBehavior.WriteEmpty;
                break;
            case "baggage-only":
                o.Fields = TraceFields.None;
                o.IncludeBaggage("tenant.id");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Serilog_and_MEL_write_the_same_fields_inside_a_child_a_root_and_no_span(string configuration)
    {
        var names = TraceFieldSet.Create(Options(configuration)).Fields.Select(f => f.Name).ToArray();
        var serilogSink = new CollectingSerilogSink();
        var serilog = new LoggerConfiguration().MinimumLevel.Verbose()
            .Enrich.WithTraceContext(o => Configure(configuration, o))
            .WriteTo.Sink(serilogSink).CreateLogger();
        var melSink = new CollectingSerilogSink();
        using var factory = LoggerFactory.Create(builder => builder
            .AddSerilog(new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(melSink).CreateLogger(), dispose: true)
            .AddTraceCorrelation(o => Configure(configuration, o.Context)));
        var mel = factory.CreateLogger("parity");

        void LogBoth(string message)
        {
            serilog.Information("{Where}", message);
            mel.LogInformation("{Where}", message);
        }

        using (var root = TestSpan.Start("root"))
        {
            root.TraceStateString = "vendor=1";
            root.AddBaggage("tenant.id", "acme");
            LogBoth("root");
            using (TestSpan.Start("child", sampled: false, parent: root))
            {
                LogBoth("child");
            }
        }

        Activity.Current = null;
        LogBoth("outside");

        foreach (var message in new[] { "root", "child", "outside" })
        {
            var s = Assert.Single(serilogSink.Events, e => CollectingSerilogSink.Scalar(e, "Where") == message);
            var m = Assert.Single(melSink.Events, e => CollectingSerilogSink.Scalar(e, "Where") == message);
            if (message == "root")
            {
                Assert.NotNull(CollectingSerilogSink.Scalar(s, names[0]));
            }

            foreach (var name in names)
            {
                Assert.True(
                    CollectingSerilogSink.Scalar(s, name) == CollectingSerilogSink.Scalar(m, name),
                    $"{configuration}/{message}/{name}: Serilog '{CollectingSerilogSink.Scalar(s, name)}', MEL '{CollectingSerilogSink.Scalar(m, name)}'");
            }
        }
    }

    private static TraceContextOptions Options(string configuration)
    {
        var options = new TraceContextOptions();
        Configure(configuration, options);
        return options;
    }
}
