using System.Diagnostics;
using Correlation.Core.Tests.Support;
using Correlation.Trace;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

/// <summary>Tests that set real environment variables; they run alone, after the parallel tests.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class ProcessEnvironmentTests : IDisposable
{
    private static readonly string[] Variables =
    [
        "OTEL_SDK_DISABLED", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    ];

    public ProcessEnvironmentTests() => Clear();

    public void Dispose() => Clear();

    private static void Clear()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void The_provider_takes_its_sampler_from_OTEL_TRACES_SAMPLER()
    {
        Environment.SetEnvironmentVariable("OTEL_TRACES_SAMPLER", "parentbased_traceidratio");
        Environment.SetEnvironmentVariable("OTEL_TRACES_SAMPLER_ARG", "0.2");
        using var provider = TracerProvider.CreateBuilder().Build();
        var sampler = Assert.IsType<ParentBasedSampler>(provider.Sampler);
        Assert.Equal(0.2, Assert.IsType<TraceIdRatioSampler>(sampler.Root).Ratio);
    }

    [Fact]
    public void A_sampler_set_in_code_wins_over_the_environment()
    {
        Environment.SetEnvironmentVariable("OTEL_TRACES_SAMPLER", "always_off");
        using var provider = TracerProvider.CreateBuilder().SetSampler(new AlwaysOnSampler()).Build();
        Assert.IsType<AlwaysOnSampler>(provider.Sampler);
    }

    [Fact]
    public void OTEL_SDK_DISABLED_true_turns_the_provider_off_and_processors_still_shut_down()
    {
        Environment.SetEnvironmentVariable("OTEL_SDK_DISABLED", "True");
        var name = TraceTestKit.UniqueSourceName();
        using var source = new ActivitySource(name);
        var exporter = new ScriptedExporter();
        using (var provider = TracerProvider.CreateBuilder().AddSource(name).AddProcessor(new SimpleSpanProcessor(exporter)).Build())
        {
            Assert.False(provider.IsEnabled);
            Assert.Null(source.StartActivity("never"));
            Assert.False(source.HasListeners());
        }

        Assert.Equal(1, exporter.ShutdownCount);
        Assert.Empty(exporter.Spans);
    }

    [Fact]
    public void Resource_precedence_is_code_then_OTEL_SERVICE_NAME_then_OTEL_RESOURCE_ATTRIBUTES()
    {
        Environment.SetEnvironmentVariable("OTEL_SERVICE_NAME", "env-service");
        Environment.SetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES", "service.name=attr-service,deployment.environment.name=staging,team=a%20b,service.version=0.1");

        using (var envOnly = TracerProvider.CreateBuilder().Build())
        {
            Assert.Equal("env-service", envOnly.Resource.ServiceName);
            Assert.Equal("staging", envOnly.Resource.GetString("deployment.environment.name"));
            Assert.Equal("a b", envOnly.Resource.GetString("team"));
            Assert.Equal("0.1", envOnly.Resource.GetString("service.version"));
        }

        using var code = TracerProvider.CreateBuilder()
            .ConfigureResource(r => r.AddService("checkout", "1.4.2", "production").AddAttribute("host.count", 3))
            .Build();
        Assert.Equal("checkout", code.Resource.ServiceName);
        Assert.Equal("1.4.2", code.Resource.GetString("service.version"));
        Assert.Equal("production", code.Resource.GetString("deployment.environment.name"));
        Assert.Equal("a b", code.Resource.GetString("team"));
        Assert.Equal(3L, code.Resource.GetAttribute("host.count"));
    }

    [Fact]
    public void OTEL_RESOURCE_ATTRIBUTES_service_name_applies_without_OTEL_SERVICE_NAME()
    {
        Environment.SetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES", "service.name=attr-service");
        using var provider = TracerProvider.CreateBuilder().Build();
        Assert.Equal("attr-service", provider.Resource.ServiceName);
    }

    [Fact]
    public void A_badly_encoded_OTEL_RESOURCE_ATTRIBUTES_is_discarded_whole_with_a_warning()
    {
        using var capture = new DiagnosticsCapture();
        Environment.SetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES", "team=ok,bad=%zz");
        using var provider = TracerProvider.CreateBuilder().Build();
        Assert.Null(provider.Resource.GetAttribute("team"));
        Assert.True(capture.Has("InvalidConfiguration", "OTEL_RESOURCE_ATTRIBUTES", "%zz"));
    }

    [Fact]
    public void Without_any_service_name_it_is_unknown_service_and_the_process_name()
    {
        using var provider = TracerProvider.CreateBuilder().Build();
        using var process = Process.GetCurrentProcess();
        Assert.Equal("unknown_service:" + process.ProcessName, provider.Resource.ServiceName);
    }

    [Fact]
    public void The_log_adapters_see_the_running_providers_resource_and_the_default_after_shutdown()
    {
        var provider = TracerProvider.CreateBuilder().ConfigureResource(r => r.AddService("active-" + Guid.NewGuid().ToString("N"))).Build();
        Assert.Same(provider.Resource, ActiveResource.Current);
        provider.Shutdown(1000);
        Assert.NotSame(provider.Resource, ActiveResource.Current);
        Assert.Same(Resource.Default, ActiveResource.Current);
    }

    [Fact]
    public void Batch_options_created_in_code_start_from_OTEL_BSP_and_code_wins()
    {
        Environment.SetEnvironmentVariable("OTEL_BSP_MAX_QUEUE_SIZE", "77");
        var options = new BatchSpanProcessorOptions();
        Assert.Equal(77, options.MaxQueueSize);
        options.MaxQueueSize = 5;
        Assert.Equal(5, options.MaxQueueSize);
    }

    [Fact]
    public void The_provider_reads_span_limits_from_the_environment()
    {
        Environment.SetEnvironmentVariable("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2");
        var name = TraceTestKit.UniqueSourceName();
        var exported = new List<Activity>();
        using var source = new ActivitySource(name);
        using var provider = TracerProvider.CreateBuilder().AddSource(name).AddInMemoryExporter(exported).Build();
        using (var span = source.StartActivity("limited"))
        {
            span!.SetTag("a", 1).SetTag("b", 2).SetTag("c", 3);
        }

        Assert.Equal(2, exported.Single().TagObjects.Count());
    }
}
