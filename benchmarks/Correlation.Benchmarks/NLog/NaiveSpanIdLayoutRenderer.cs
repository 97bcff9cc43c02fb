using System.Diagnostics;
using System.Text;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.Benchmarks.NLog;

/// <summary>The obvious renderer: <c>Activity.Current.SpanId.ToHexString()</c> on every event (a new string each time).</summary>
[LayoutRenderer("naive-span-id")]
public sealed class NaiveSpanIdLayoutRenderer : LayoutRenderer
{
    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(Activity.Current?.SpanId.ToHexString());
}
