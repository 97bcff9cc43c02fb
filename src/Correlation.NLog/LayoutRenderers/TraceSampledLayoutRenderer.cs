using System.Diagnostics;
using System.Text;
using Correlation.Context;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${trace-sampled}</c>: <c>true</c> when the current span's sampled flag is set, <c>false</c> when it is not, and
/// nothing outside a span (so a filter on <c>'${trace-sampled}' == 'false'</c> drops lines of unsampled traces and keeps
/// lines logged outside any trace). Not thread-agnostic on purpose: NLog renders it on the logging thread.
/// </summary>
[LayoutRenderer(Name)]
public sealed class TraceSampledLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${trace-sampled}</c>.</summary>
    public const string Name = "trace-sampled";

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent)
    {
        var span = TraceFieldSet.CurrentSpan();
        if (span is not null)
        {
            builder.Append((span.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "true" : "false");
        }
    }
}
