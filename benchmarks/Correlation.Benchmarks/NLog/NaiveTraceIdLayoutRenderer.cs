using System.Diagnostics;
using System.Text;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.Benchmarks.NLog;

/// <summary>The obvious renderer: <c>Activity.Current.TraceId.ToHexString()</c> on every event (a new string each time).</summary>
[LayoutRenderer("naive-trace-id")]
public sealed class NaiveTraceIdLayoutRenderer : LayoutRenderer
{
    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(Activity.Current?.TraceId.ToHexString());
}
