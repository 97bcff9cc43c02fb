using System.Text;
using NLog;
using NLog.Config;
using NLog.LayoutRenderers;

namespace Correlation.NLog.LayoutRenderers;

/// <summary>
/// <c>${trace-resource:item=KEY}</c>: an attribute of the resource the traces are reported under, e.g.
/// <c>service.name</c>: the running Correlation tracer provider's resource, else the one the environment describes
/// (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>); nothing when the attribute is absent.
/// </summary>
[LayoutRenderer(Name)]
public sealed class TraceResourceLayoutRenderer : LayoutRenderer
{
    /// <summary>The name used in layouts: <c>${trace-resource}</c>.</summary>
    public const string Name = "trace-resource";

    private TraceFieldReader? _reader;

    /// <summary>The resource attribute key (required), e.g. <c>service.name</c>, <c>service.version</c>, <c>deployment.environment.name</c>.</summary>
    [DefaultParameter]
    public string? Item { get; set; }

    /// <inheritdoc/>
    protected override void InitializeLayoutRenderer()
    {
        base.InitializeLayoutRenderer();
        _reader = TraceFieldReader.ForResource(Name, Item);
    }

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(_reader?.Read());
}
