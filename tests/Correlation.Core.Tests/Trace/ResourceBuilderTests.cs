using Correlation.Context;
using Correlation.Core.Tests.Support;
using Correlation.Trace;

namespace Correlation.Core.Tests.Trace;

[Collection(EnvironmentCollection.Name)]
public class ResourceBuilderTests
{
    [Fact]
    public void Default_service_name_is_unknown_service_and_the_process_name()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", null), ("OTEL_RESOURCE_ATTRIBUTES", null));
        var resource = new ResourceBuilder().Build();

        Assert.Equal("unknown_service:" + System.Diagnostics.Process.GetCurrentProcess().ProcessName, resource.ServiceName);
    }

    [Fact]
    public void Environment_attributes_are_split_then_percent_decoded()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", null), ("OTEL_RESOURCE_ATTRIBUTES", "service.version=1.0%2C2, deployment.environment.name=prod%20eu,team=caf%C3%A9"));
        var resource = new ResourceBuilder().Build();

        Assert.Equal("1.0,2", resource.GetString("service.version"));
        Assert.Equal("prod eu", resource.GetString("deployment.environment.name"));
        Assert.Equal("café", resource.GetString("team"));
    }

    [Fact]
    public void Otel_service_name_beats_service_name_in_resource_attributes()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", "from-service-name"), ("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attributes"));

        Assert.Equal("from-service-name", new ResourceBuilder().Build().ServiceName);
    }

    [Fact]
    public void Code_beats_the_environment()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", "from-env"), ("OTEL_RESOURCE_ATTRIBUTES", "service.version=9"));
        var resource = new ResourceBuilder().AddService("from-code", "1.0").Build();

        Assert.Equal("from-code", resource.ServiceName);
        Assert.Equal("1.0", resource.GetString("service.version"));
    }

    [Theory]
    [InlineData("team=%ZZ")]
    [InlineData("team=%E9")]
    [InlineData("team=bad%2")]
    [InlineData("novalue")]
    public void A_bad_resource_attributes_variable_is_discarded_whole_with_a_warning(string raw)
    {
        using var events = new CorrelationEvents();
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", null), ("OTEL_RESOURCE_ATTRIBUTES", "service.version=2," + raw));

        var resource = new ResourceBuilder().Build();

        Assert.Null(resource.GetString("service.version"));
        Assert.Null(resource.GetString("team"));
        Assert.Contains(events.Events, e => e.EventName == "InvalidConfiguration" && (string?)e.Payload![0] == "OTEL_RESOURCE_ATTRIBUTES");
    }

    [Theory]
    [InlineData("service.name=,team=a")]
    [InlineData("service.name=%20%20,team=a")]
    public void An_empty_service_name_in_the_environment_leaves_the_default_and_warns(string raw)
    {
        using var events = new CorrelationEvents();
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", null), ("OTEL_RESOURCE_ATTRIBUTES", raw));

        var resource = new ResourceBuilder().Build();

        Assert.Equal("unknown_service:" + System.Diagnostics.Process.GetCurrentProcess().ProcessName, resource.ServiceName);
        Assert.Equal(resource.ServiceName, resource.GetString(Resource.ServiceNameKey));
        Assert.Single(resource.Attributes, a => a.Key == Resource.ServiceNameKey);
        Assert.Equal("a", resource.GetString("team"));
        Assert.Contains(events.Events, e => e.EventName == "InvalidConfiguration" && (string?)e.Payload![0] == Resource.ServiceNameKey);
    }

    [Fact]
    public void An_empty_service_name_set_in_code_gives_way_to_the_environment()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", "from-env"), ("OTEL_RESOURCE_ATTRIBUTES", null));

        Assert.Equal("from-env", new ResourceBuilder().AddAttribute(Resource.ServiceNameKey, "").Build().ServiceName);
    }

    [Fact]
    public void Resource_fields_follow_the_active_provider_resource_back_to_the_one_before_when_it_shuts_down()
    {
        var set = TraceFieldSet.Create(new TraceContextOptions { Fields = TraceFields.None }.IncludeResource(Resource.ServiceNameKey));
        var first = new ResourceBuilder().IgnoreEnvironment().AddService("first").Build();
        var second = new ResourceBuilder().IgnoreEnvironment().AddService("second").Build();
        try
        {
            ActiveResource.AddProvider(first);
            Assert.Equal("first", set.GetValue(null, 0));
            ActiveResource.AddProvider(second);
            Assert.Equal("second", set.GetValue(null, 0));
            ActiveResource.RemoveProvider(second);
            Assert.Equal("first", set.GetValue(null, 0));
        }
        finally
        {
            ActiveResource.RemoveProvider(second);
            ActiveResource.RemoveProvider(first);
        }
    }

    [Fact]
    public void Resource_fields_read_the_environment_when_no_resource_is_given()
    {
        using var env = new EnvironmentScope(("OTEL_SERVICE_NAME", "env-service"), ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging"));
        var options = new TraceContextOptions { Fields = TraceFields.None, Resource = new ResourceBuilder().Build() }.IncludeServiceFields();
        var set = TraceFieldSet.Create(options);

        Assert.Equal("env-service", set.GetValue(null, 0));
        Assert.Null(set.GetValue(null, 1));
        Assert.Equal("staging", set.GetValue(null, 2));
    }
}
