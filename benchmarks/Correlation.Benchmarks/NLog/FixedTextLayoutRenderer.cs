using System.Text;
using NLog;
using NLog.LayoutRenderers;

namespace Correlation.Benchmarks.NLog;

/// <summary>
/// <c>${fixed-text:length=N}</c>: appends N constant characters and reads nothing. Two of these in place of
/// <c>${trace-id} ${span-id}</c> give the cost NLog itself charges for two renderers: the floor for any pair.
/// </summary>
[LayoutRenderer("fixed-text")]
public sealed class FixedTextLayoutRenderer : LayoutRenderer
{
    private const string Text = "0123456789abcdef0123456789abcdef";

    /// <summary>How many characters to append (at most 32).</summary>
    public int Length { get; set; } = 32;

    /// <inheritdoc/>
    protected override void Append(StringBuilder builder, LogEventInfo logEvent) => builder.Append(Text, 0, Length);
}
