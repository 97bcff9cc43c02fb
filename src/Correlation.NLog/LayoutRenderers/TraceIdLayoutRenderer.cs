using System.Text;
using Correlation.Context;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${trace-id}</c>: the current span's trace id, 32 lowercase hex characters (or, with <c>format=datadog</c>, the decimal of its lower 64 bits). Renders nothing outside a span.
/// Not thread-agnostic on purpose: NLog renders it on the logging thread, also before an async target takes the event.
/// </summary>
[LayoutRenderer(Name)]
public sealed class TraceIdLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${trace-id}</c>.</summary>
    public const string Name = "trace-id";

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
        _reader = TraceFieldReader.ForSpan(TraceFields.TraceId, Format);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
