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

    // Hex (the default) is the string the Activity already holds: read directly, without the general field path. Set
    // only once the options are valid: a renderer NLog rejected renders nothing.
    private bool _hex;

    /// <summary>How the id is written: <c>hex</c> (default) or <c>datadog</c> (decimal of the lower 64 bits).</summary>
    public TraceIdFormat Format { get; set; }

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForSpan(Name, TraceFields.SpanId, Format);
        _hex = Format == TraceIdFormat.Hex;
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(Render());

    private string? Render()
        => _hex ? TraceFieldSet.CurrentSpan()?.SpanId.ToHexString() : _reader?.Read();
}
