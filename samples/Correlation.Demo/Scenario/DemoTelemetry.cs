using System.Diagnostics;

namespace Correlation.Demo.Scenario;

/// <summary>The demo's own instrumentation names.</summary>
internal static class DemoTelemetry
{
    /// <summary>The service name every span and log record is reported under.</summary>
    public const string ServiceName = "order-demo";

    /// <summary>
    /// The <c>service.instance.id</c> all four exporters (spans, Serilog, NLog, MEL) report, so a backend shows one
    /// service instance with both its traces and its logs.
    /// </summary>
    public static readonly string InstanceId = Guid.NewGuid().ToString();

    /// <summary>The name of the demo's <see cref="ActivitySource"/>.</summary>
    public const string SourceName = "Correlation.Demo";

    /// <summary>The <c>messaging.system</c> of the in-process queue.</summary>
    public const string MessagingSystem = "in-process";

    // Declared before Source: creating the source calls the listeners, which may read this list.

    /// <summary>The sources whose spans the demo records: its own, ASP.NET Core's server spans and HttpClient's client spans.</summary>
    public static readonly string[] RecordedSources = [SourceName, "Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>The demo's spans: the edge, publishing, consuming and the payment attempts.</summary>
    public static readonly ActivitySource Source = new(SourceName, "1.0.0");
}
