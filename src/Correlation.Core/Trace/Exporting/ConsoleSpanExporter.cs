using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Correlation.Trace.Exporting;

/// <summary>
/// Writes one readable line per span: trace id, span id, parent id, name, kind, duration, status, attributes,
/// events and links (each with their attributes), and what the span limits dropped. Line breaks, tabs and other
/// control characters inside names and values are written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uXXXX</c> (also
/// U+2028 and U+2029), so one span stays one line. For development, not for production volumes.
/// </summary>
public sealed class ConsoleSpanExporter : SpanExporter
{
    private readonly TextWriter? _output;
    private readonly StringBuilder _line = new(256);

    /// <summary>Creates the exporter.</summary>
    /// <param name="output">Where to write; <see langword="null"/> for <see cref="Console.Out"/> (read at each export).</param>
    public ConsoleSpanExporter(TextWriter? output = null) => _output = output;

    /// <inheritdoc/>
    public override ExportResult Export(ReadOnlySpan<Activity> batch)
    {
        var output = _output ?? Console.Out;
        foreach (var span in batch)
        {
            _line.Clear();
            Format(span, _line);
            output.WriteLine(_line.ToString());
        }

        return ExportResult.Success;
    }

    /// <inheritdoc/>
    public override bool ForceFlush(int timeoutMilliseconds = Timeout.Infinite)
    {
        (_output ?? Console.Out).Flush();
        return true;
    }

    /// <summary>The line for one span (without the line break).</summary>
    internal static void Format(Activity span, StringBuilder line)
    {
        var limits = SpanLimits.GetDroppedCounts(span);
        var inv = CultureInfo.InvariantCulture;
        line.Append("span ").Append(span.TraceId.ToHexString()).Append(' ').Append(span.SpanId.ToHexString());
        line.Append(" parent=").Append(span.ParentSpanId == default ? "-" : span.ParentSpanId.ToHexString());
        line.Append(" flags=").Append(((int)span.ActivityTraceFlags).ToString("x2", inv));
        line.Append(" name=\"");
        AppendEscaped(line, span.DisplayName);
        line.Append("\" kind=").Append(span.Kind.ToString());
        line.Append(" duration=").Append(span.Duration.TotalMilliseconds.ToString("0.###", inv)).Append("ms");
        line.Append(" status=").Append(span.Status.ToString());
        if (!string.IsNullOrEmpty(span.StatusDescription))
        {
            line.Append("(\"");
            AppendEscaped(line, span.StatusDescription);
            line.Append("\")");
        }

        line.Append(" source=");
        AppendEscaped(line, span.Source.Name);
        line.Append(" attributes={");
        var first = true;
        foreach (ref readonly var tag in span.EnumerateTagObjects())
        {
            AppendTag(line, tag, ref first);
        }

        line.Append('}');

        var eventIndex = 0;
        line.Append(" events=[");
        foreach (ref readonly var e in span.EnumerateEvents())
        {
            if (eventIndex == limits.EventCountLimit)
            {
                break;
            }

            line.Append(eventIndex++ == 0 ? string.Empty : ", ");
            AppendEscaped(line, e.Name);
            line.Append("@+").Append((e.Timestamp - span.StartTimeUtc).TotalMilliseconds.ToString("0.###", inv)).Append("ms{");
            first = true;
            var kept = 0;
            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                if (kept++ == limits.AttributePerEventCountLimit)
                {
                    break;
                }

                AppendTag(line, tag, ref first);
            }

            line.Append('}');
        }

        line.Append(']');

        var linkIndex = 0;
        line.Append(" links=[");
        foreach (ref readonly var link in span.EnumerateLinks())
        {
            if (linkIndex == limits.LinkCountLimit)
            {
                break;
            }

            line.Append(linkIndex++ == 0 ? string.Empty : ", ");
            line.Append(link.Context.TraceId.ToHexString()).Append('-').Append(link.Context.SpanId.ToHexString()).Append('{');
            first = true;
            var kept = 0;
            foreach (ref readonly var tag in link.EnumerateTagObjects())
            {
                if (kept++ == limits.AttributePerLinkCountLimit)
                {
                    break;
                }

                AppendTag(line, tag, ref first);
            }

            line.Append('}');
        }

        line.Append(']');
        if (limits.DroppedAttributes + limits.DroppedEvents + limits.DroppedLinks > 0)
        {
            line.Append(" dropped={attributes=").Append(limits.DroppedAttributes)
                .Append(", events=").Append(limits.DroppedEvents)
                .Append(", links=").Append(limits.DroppedLinks).Append('}');
        }
    }

    private static void AppendTag(StringBuilder line, KeyValuePair<string, object?> tag, ref bool first)
    {
        if (!first)
        {
            line.Append(", ");
        }

        first = false;
        AppendEscaped(line, tag.Key);
        line.Append('=');
        AppendEscaped(line, FormatValue(tag.Value));
    }

    /// <summary>The most elements of an array value written; the rest is shown as <c>…(+n)</c>.</summary>
    internal const int MaxArrayElements = 32;

    // Only arrays are expanded, one level, up to MaxArrayElements: any other IEnumerable (a list containing itself, an
    // endless sequence, a lazy query with side effects) is written as its ToString, so formatting always terminates.
    private static string FormatValue(object? value)
    {
        if (value is Array items)
        {
            var builder = new StringBuilder("[");
            var count = 0;
            foreach (var item in items)
            {
                if (count == MaxArrayElements)
                {
                    builder.Append(",…(+").Append(items.Length - MaxArrayElements).Append(')');
                    break;
                }

                if (count > 0)
                {
                    builder.Append(',');
                }

                builder.Append(FormatScalar(item));
                count++;
            }

            return builder.Append(']').ToString();
        }

        return FormatScalar(value);
    }

    private static string FormatScalar(object? value)
    {
        try
        {
            return value switch
            {
                null => "null",
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
        }
        catch (Exception ex)
        {
            // A user's ToString that throws costs this value only, not the span's line or the batch.
            Diagnostics.CorrelationEventSource.Log.Swallowed(nameof(ConsoleSpanExporter) + " value ToString", ex);
            return "<ToString threw " + ex.GetType().Name + ">";
        }
    }

    private static void AppendEscaped(StringBuilder line, string? text)
    {
        if (text is null)
        {
            return;
        }

        foreach (var c in text)
        {
            switch (c)
            {
                case '\n':
                    line.Append("\\n");
                    break;
                case '\r':
                    line.Append("\\r");
                    break;
                case '\t':
                    line.Append("\\t");
                    break;
                default:
                    // Other control characters (vertical tab, form feed, NEL, a terminal's escape sequences) and the
                    // Unicode line and paragraph separators break a line for some reader or terminal: written as \uXXXX.
                    if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                    {
                        line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        line.Append(c);
                    }

                    break;
            }
        }
    }
}
