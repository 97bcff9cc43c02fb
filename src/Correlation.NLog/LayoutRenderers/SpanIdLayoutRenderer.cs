using System.Text;
using Correlation.Context;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${span-id}</c>: the current span's id, 16 lowercase hex characters (or, with <c>format=datadog</c>, its decimal). Renders nothing outside a span.
/// Not thread-agnostic on purpose: NLog renders it on the logging thread, also before an async target takes the event.
/// </summary>
[LayoutRenderer(Name)]
public sealed class SpanIdLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${span-id}</c>.</summary>
    public const string Name = "span-id";

    private TraceFieldReader? _reader;

    private TraceIdFormat _format;

    /// <summary>How the id is written: <c>hex</c> (default) or <c>datadog</c> (decimal of the lower 64 bits).</summary>
    /// <exception cref="NLogConfigurationException">The value is not one of <see cref="TraceIdFormat"/>'s.</exception>
    public TraceIdFormat Format
    {
        get => _format;
        set => _format = TraceFieldReader.CheckFormat(Name, value);
    }

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForSpan(TraceFields.SpanId, Format);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
