using NLog;
using NLog.Config;
using NLog.Targets;

namespace Correlation.NLog.Tests;

/// <summary>
/// NLog keeps layout renderer registrations in one process-wide registry, which every other test fills through
/// <c>&lt;extensions&gt;</c>: these tests start from a fresh registry (so they fail if RegisterCorrelation registers
/// nothing) and therefore run alone.
/// </summary>
[CollectionDefinition(nameof(SetupBuilderCorrelationExtensionsTests), DisableParallelization = true)]
public class RendererRegistryGroup;

[Collection(nameof(SetupBuilderCorrelationExtensionsTests))]
public class SetupBuilderCorrelationExtensionsTests
{
    private const string ConfigWithoutExtensions = """
        <nlog throwConfigExceptions="true">
          <targets><target name="m" type="Memory" layout="${trace-id}|${span-id}|${parent-span-id}|${trace-flags}|${trace-sampled}|${trace-state}|${baggage:item=k}" /></targets>
          <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
        </nlog>
        """;

    [Fact]
    public void One_line_in_code_registers_every_renderer()
    {
        FreshRegistry();
        using var factory = new LogFactory();
        factory.Setup().RegisterCorrelation().LoadConfigurationFromXml(ConfigWithoutExtensions);
        using var span = NLogHarness.StartSpan(traceState: "a=b");
        span.AddBaggage("k", "v");

        Assert.Equal($"4bf92f3577b34da6a3ce929d0e0e4736|{span.SpanId.ToHexString()}|00f067aa0ba902b7|01|true|a=b|v", LogOne(factory));
    }

    [Fact]
    public void Registering_twice_keeps_the_same_renderers_registered_and_renders_the_same()
    {
        // Registering again re-adds the same name -> type pairs: NLog's registry ends in the same state as after once.
        FreshRegistry();
        using var factory = new LogFactory();
        factory.Setup().RegisterCorrelation();
        var once = RegisteredRenderers();
        factory.Setup().RegisterCorrelation().LoadConfigurationFromXml(ConfigWithoutExtensions);
        var twice = RegisteredRenderers();
        using var span = NLogHarness.StartSpan(traceState: "a=b");
        span.AddBaggage("k", "v");

        Assert.Equal(s_rendererNames.Length, once.Count);
        Assert.All(once, t => Assert.Equal("Correlation.NLog.LayoutRenderers", t.Namespace));
        Assert.Equal(once, twice);
        Assert.Equal($"4bf92f3577b34da6a3ce929d0e0e4736|{span.SpanId.ToHexString()}|00f067aa0ba902b7|01|true|a=b|v", LogOne(factory));
    }

    private static readonly string[] s_rendererNames =
        ["trace-id", "span-id", "parent-span-id", "trace-flags", "trace-sampled", "trace-state", "baggage", "trace-resource"];

    /// <summary>Replaces NLog's process-wide registry by a new one, where none of our renderers is registered.</summary>
    private static void FreshRegistry()
    {
        ConfigurationItemFactory.Default = null!;
        Assert.Empty(RegisteredRenderers());
    }

    private static List<Type> RegisteredRenderers()
    {
        var registered = new List<Type>();
        foreach (var name in s_rendererNames)
        {
            if (ConfigurationItemFactory.Default.LayoutRendererFactory.TryCreateInstance(name, out var renderer) && renderer is not null)
            {
                registered.Add(renderer.GetType());
            }
        }

        return registered;
    }

    [Fact]
    public void Options_belong_to_each_layout()
    {
        FreshRegistry();
        using var factory = new LogFactory();
        factory.Setup().RegisterCorrelation().LoadConfigurationFromXml("""
            <nlog throwConfigExceptions="true">
              <targets><target name="m" type="Memory" layout="${trace-id:format=datadog}|${parent-span-id:format=Datadog}|${trace-id:format=hex}|${trace-id}" /></targets>
              <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
            </nlog>
            """);
        using var span = NLogHarness.StartSpan();

        Assert.Equal("11803532876627986230|67667974448284343|4bf92f3577b34da6a3ce929d0e0e4736|4bf92f3577b34da6a3ce929d0e0e4736", LogOne(factory));
    }

    [Fact]
    public void A_null_builder_throws_while_configuring()
    {
        using var factory = new LogFactory();

        Assert.Throws<ArgumentNullException>(() => SetupBuilderCorrelationExtensions.RegisterCorrelation(null!));
    }

    private static string LogOne(LogFactory factory)
    {
        factory.GetLogger("x").Info("hi");
        factory.Flush();
        return Assert.Single(factory.Configuration!.FindTargetByName<MemoryTarget>("m")!.Logs);
    }
}
