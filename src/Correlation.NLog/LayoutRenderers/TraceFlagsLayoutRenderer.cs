using System.Text;
using Correlation.Context;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${trace-flags}</c>: the current span's W3C trace flags as two hex characters: <c>00</c>, <c>01</c> sampled, <c>02</c> random, <c>03</c> both. Renders nothing outside a span.
/// Not thread-agnostic on purpose: NLog renders it on the logging thread, also before an async target takes the event.
/// </summary>
[LayoutRenderer(Name)]
public sealed class TraceFlagsLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${trace-flags}</c>.</summary>
    public const string Name = "trace-flags";

    private TraceFieldReader? _reader;

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForSpan(TraceFields.TraceFlags, TraceIdFormat.Hex);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
