using Correlation.Trace;
using NLog;

namespace Correlation.NLog.Tests.LayoutRenderers;

public class TraceResourceLayoutRendererTests
{
    [Fact]
    public void Renders_the_default_resource_from_xml()
    {
        using var nlog = NLogHarness.ForLayout("${trace-resource:item=service.name}");

        // No tracer provider runs in these tests, so the resource is the environment's (unknown_service:<process> by default).
        Assert.Equal(Resource.Default.ServiceName, nlog.LogOne());
        Assert.NotEqual(string.Empty, Resource.Default.ServiceName);
    }

    [Fact]
    public void Renders_attributes_of_the_resource_given_in_code()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("checkout", "1.4.2", "prod").Build();
        using var factory = new LogFactory();
        factory.Setup()
            .RegisterCorrelation(o => o.Resource = resource)
            .LoadConfigurationFromXml("""
                <nlog throwConfigExceptions="true">
                  <targets><target name="m" type="Memory" layout="${trace-resource:item=service.name}|${trace-resource:service.version}|${trace-resource:item=deployment.environment.name}|${trace-resource:item=absent}|" /></targets>
                  <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
                </nlog>
                """);

        factory.GetLogger("x").Info("hi");
        factory.Flush();

        Assert.Equal(["checkout|1.4.2|prod||"], factory.Configuration!.FindTargetByName<global::NLog.Targets.MemoryTarget>("m")!.Logs);
    }

    [Fact]
    public void Is_written_outside_a_span_too()
    {
        var resource = new ResourceBuilder().IgnoreEnvironment().AddService("svc").Build();
        using var factory = new LogFactory();
        factory.Setup().RegisterCorrelation(o => o.Resource = resource).LoadConfigurationFromXml("""
            <nlog throwConfigExceptions="true">
              <targets><target name="m" type="Memory" layout="${trace-resource:item=service.name}" /></targets>
              <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
            </nlog>
            """);

        Assert.Null(Activity.Current);
        factory.GetLogger("x").Info("hi");
        factory.Flush();
        Assert.Equal(["svc"], factory.Configuration!.FindTargetByName<global::NLog.Targets.MemoryTarget>("m")!.Logs);
    }
}
