using System.Text;
using Correlation.Context;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${trace-state}</c>: the current span's W3C tracestate as it would be propagated; nothing when it is empty. Renders nothing outside a span.
/// Not thread-agnostic on purpose: NLog renders it on the logging thread, also before an async target takes the event.
/// </summary>
[LayoutRenderer(Name)]
public sealed class TraceStateLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${trace-state}</c>.</summary>
    public const string Name = "trace-state";

    private TraceFieldReader? _reader;

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForSpan(TraceFields.TraceState, TraceIdFormat.Hex);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
