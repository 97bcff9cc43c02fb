using System.Text;
using NLog;
using NLog.Targets;

namespace Correlation.Benchmarks.NLog;

/// <summary>A target that renders its layout into one reused StringBuilder: the rendering cost without any I/O.</summary>
[Target("StringBuilder")]
public sealed class StringBuilderTarget : TargetWithLayout
{
    /// <summary>What the last event rendered to.</summary>
    public StringBuilder Builder { get; } = new(256);

    /// <inheritdoc/>
    protected override void Write(LogEventInfo logEvent)
    {
        Builder.Clear();
        Layout.Render(logEvent, Builder);
    }
}
