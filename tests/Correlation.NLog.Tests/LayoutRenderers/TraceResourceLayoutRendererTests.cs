using Correlation.Trace;

namespace Correlation.NLog.Tests.LayoutRenderers;

/// <summary>The active resource is process-wide (the tracer provider sets it), so these tests run alone.</summary>
[CollectionDefinition(nameof(TraceResourceLayoutRendererTests), DisableParallelization = true)]
public class ActiveResourceGroup;

[Collection(nameof(TraceResourceLayoutRendererTests))]
public class TraceResourceLayoutRendererTests
{
    [Fact]
    public void Without_a_tracer_provider_renders_the_environment_resource()
    {
        using var nlog = NLogHarness.ForLayout("${trace-resource:item=service.name}");

        Assert.NotEqual(string.Empty, Resource.Default.ServiceName);
        Assert.Equal(Resource.Default.ServiceName, nlog.LogOne());
    }

    [Fact]
    public void Renders_attributes_of_the_tracer_provider_resource()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.4.2", "prod").Build();
        using var nlog = NLogHarness.ForLayout(
            "${trace-resource:item=service.name}|${trace-resource:service.version}|${trace-resource:item=deployment.environment.name}|${trace-resource:item=absent}|");
        ActiveResource.AddProvider(resource);
        try
        {
            Assert.Equal("checkout|1.4.2|prod||", nlog.LogOne());
        }
        finally
        {
            ActiveResource.RemoveProvider(resource);
        }
    }

    [Fact]
    public void Spaces_around_the_item_are_ignored_as_in_the_other_adapters_configuration()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.4.2").Build();
        using var nlog = NLogHarness.ForLayout("${trace-resource:item= service.name }|${trace-resource:service.version }");
        ActiveResource.AddProvider(resource);
        try
        {
            Assert.Equal("checkout|1.4.2", nlog.LogOne());
        }
        finally
        {
            ActiveResource.RemoveProvider(resource);
        }
    }

    [Fact]
    public void Follows_a_tracer_provider_started_after_the_configuration_was_loaded()
    {
        using var nlog = NLogHarness.ForLayout("${trace-resource:item=service.name}");
        Assert.Equal(Resource.Default.ServiceName, nlog.LogOne());

        var late = new ResourceBuilder().IgnoreEnvironment().AddService("late").Build();
        ActiveResource.AddProvider(late);
        try
        {
            Assert.Equal("late", nlog.LogOne());
        }
        finally
        {
            ActiveResource.RemoveProvider(late);
        }

        Assert.Equal(Resource.Default.ServiceName, nlog.LogOne());
    }

    [Fact]
    public void Is_written_outside_a_span_too()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("svc").Build();
        ActiveResource.AddProvider(resource);
        try
        {
            using var nlog = NLogHarness.ForLayout("${trace-resource:item=service.name}");

            Assert.Null(Activity.Current);
            Assert.Equal("svc", nlog.LogOne());
        }
        finally
        {
            ActiveResource.RemoveProvider(resource);
        }
    }
}
