using System.Text;
using NLog;
using NLog.Config;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${baggage:item=KEY}</c>: a W3C baggage item of the current context, as every Correlation adapter sees it
/// (OpenTelemetry's <c>Baggage.Current</c> first, then the span's <c>Activity</c> baggage); nothing when absent.
/// Not thread-agnostic on purpose: NLog renders it on the logging thread, also before an async target takes the event.
/// </summary>
[LayoutRenderer(Name)]
public sealed class BaggageLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${baggage}</c>.</summary>
    public const string Name = "baggage";

    private TraceFieldReader? _reader;

    /// <summary>The baggage key (required), e.g. <c>tenant.id</c>.</summary>
    [DefaultParameter]
    public string? Item { get; set; }

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForBaggage(Name, Item);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
