using System.Diagnostics;
using NLog;
using NLog.Targets;

namespace Correlation.NLog.Tests;

/// <summary>A real NLog pipeline per test: a new LogFactory configured from XML text, read back through a MemoryTarget.</summary>
internal sealed class NLogHarness : IDisposable
{
    private NLogHarness(LogFactory factory)
    {
        Factory = factory;
        Logger = factory.GetLogger("test");
    }

    public LogFactory Factory { get; }

    public Logger Logger { get; }

    /// <summary>The lines the target named <c>m</c> wrote (after a flush, so async targets are drained).</summary>
    public IList<string> Lines
    {
        get
        {
            Factory.Flush(TimeSpan.FromSeconds(10));
            return Factory.Configuration!.FindTargetByName<MemoryTarget>("m")!.Logs;
        }
    }

    /// <summary>
    /// A configuration with the Correlation extension registered through XML, one MemoryTarget <c>m</c> with
    /// <paramref name="layout"/> (escaped for an attribute), and a rule sending every level to it.
    /// </summary>
    public static NLogHarness ForLayout(string layout, bool async = false, bool throwConfigExceptions = true)
        => FromXml($"""
            <nlog throwConfigExceptions="{(throwConfigExceptions ? "true" : "false")}">
              <extensions><add assembly="Correlation.NLog" /></extensions>
              <targets async="{(async ? "true" : "false")}">
                <target name="m" type="Memory" layout="{System.Security.SecurityElement.Escape(layout)}" />
              </targets>
              <rules><logger name="*" minlevel="Trace" writeTo="m" /></rules>
            </nlog>
            """);

    /// <summary>A configuration from full XML text; it must define a MemoryTarget named <c>m</c>.</summary>
    public static NLogHarness FromXml(string xml) => new(new LogFactory().Setup().LoadConfigurationFromXml(xml).LogFactory);

    /// <summary>Logs one line and returns what the target wrote for it.</summary>
    public string LogOne(string message = "hello")
    {
        var before = Lines.Count;
        Logger.Info(message);
        var lines = Lines;
        Assert.Equal(before + 1, lines.Count);
        return lines[^1];
    }

    public void Dispose() => Factory.Dispose();

    /// <summary>Starts a W3C span under a known remote parent, as a propagated request would.</summary>
    public static Activity StartSpan(
        string traceId = "4bf92f3577b34da6a3ce929d0e0e4736",
        string parentSpanId = "00f067aa0ba902b7",
        ActivityTraceFlags flags = ActivityTraceFlags.Recorded,
        string? traceState = null)
    {
        var activity = new Activity("test-span").SetIdFormat(ActivityIdFormat.W3C);
        activity.SetParentId(ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(parentSpanId), flags);
        activity.TraceStateString = traceState;
        return activity.Start();
    }

    /// <summary>Starts a W3C root span (no parent).</summary>
    public static Activity StartRootSpan(ActivityTraceFlags flags = ActivityTraceFlags.Recorded)
    {
        var activity = new Activity("root-span").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.ActivityTraceFlags = flags;
        return activity;
    }
}
