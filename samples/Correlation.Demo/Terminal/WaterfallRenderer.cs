using System.Globalization;
using System.Text;

namespace Correlation.Demo.Terminal;

/// <summary>
/// Draws a finished trace as a terminal waterfall: the trace id on top, the spans as an indented tree with duration bars
/// scaled to the trace, and under each span its events, links and the log lines whose span id is the span's.
/// </summary>
internal static class WaterfallRenderer
{
    /// <summary>Width of the bar area, in characters.</summary>
    public const int BarWidth = 32;

    private const int NameColumnMin = 28;
    private const int NameColumnMax = 52;

    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Bold = "\u001b[1m";
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Blue = "\u001b[34m";
    private const string Magenta = "\u001b[35m";
    private const string Cyan = "\u001b[36m";

    /// <summary>Renders one trace.</summary>
    /// <param name="trace">The trace with its spans and log lines.</param>
    /// <param name="color">Whether to use ANSI colours (false: plain text, for files and pipes).</param>
    /// <returns>The text, lines ended with <c>\n</c>.</returns>
    public static string Render(TraceView trace, bool color)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var painter = new Painter(color);
        var output = new StringBuilder();
        var start = trace.StartUtc;
        var total = trace.EndUtc - start;
        if (total <= TimeSpan.Zero)
        {
            total = TimeSpan.FromTicks(1);
        }

        output.Append(painter.Paint("trace ", Dim)).Append(painter.Paint(trace.TraceId, Bold + Yellow))
            .Append(painter.Paint(
                string.Create(CultureInfo.InvariantCulture, $"  {Count(trace.Spans.Count, "span")} · {Count(trace.Logs.Count, "log line")} · {FormatDuration(total)}"),
                Dim))
            .Append('\n');

        var byId = new Dictionary<string, SpanView>(StringComparer.Ordinal);
        foreach (var span in trace.Spans)
        {
            byId[span.SpanId] = span;
        }

        var children = new Dictionary<string, List<SpanView>>(StringComparer.Ordinal);
        var roots = new List<SpanView>();
        foreach (var span in trace.Spans)
        {
            if (span.ParentSpanId is { } parent && byId.ContainsKey(parent))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    list = [];
                    children[parent] = list;
                }

                list.Add(span);
            }
            else
            {
                roots.Add(span);
            }
        }

        var logsBySpan = new Dictionary<string, List<LogLineView>>(StringComparer.Ordinal);
        var orphans = new List<LogLineView>();
        foreach (var log in trace.Logs)
        {
            if (log.SpanId is { } spanId && byId.ContainsKey(spanId))
            {
                if (!logsBySpan.TryGetValue(spanId, out var list))
                {
                    list = [];
                    logsBySpan[spanId] = list;
                }

                list.Add(log);
            }
            else
            {
                orphans.Add(log);
            }
        }

        var rows = new List<(string Tree, SpanView Span, string BodyPrefix)>();
        roots.Sort(CompareByStart);
        foreach (var root in roots)
        {
            Walk(root, string.Empty, string.Empty, children, rows);
        }

        var nameWidth = NameColumnMin;
        foreach (var row in rows)
        {
            nameWidth = Math.Max(nameWidth, row.Tree.Length + Label(row.Span).Length + 2);
        }

        nameWidth = Math.Min(nameWidth, NameColumnMax);

        foreach (var (tree, span, bodyPrefix) in rows)
        {
            var name = span.Name;
            var kind = span.Kind is null ? string.Empty : " " + span.Kind;
            var room = nameWidth - 2 - tree.Length;
            if (name.Length + kind.Length > room)
            {
                kind = string.Empty;
                if (name.Length > room)
                {
                    name = room > 1 ? string.Concat(name.AsSpan(0, room - 1), "…") : "…";
                }
            }

            output.Append(painter.Paint(tree, Dim))
                .Append(painter.Paint(name, span.IsError ? Bold + Red : Bold))
                .Append(painter.Paint(kind, Dim))
                .Append(' ', nameWidth - tree.Length - name.Length - kind.Length)
                .Append(painter.Paint(Bar(span, start, total), span.IsError ? Red : Cyan))
                .Append(' ')
                .Append(FormatDuration(span.Duration).PadLeft(9));
            if (span.IsError)
            {
                output.Append(painter.Paint("  ✗ " + (span.StatusDescription ?? "error"), Red));
            }

            output.Append('\n');

            foreach (var link in span.Links)
            {
                output.Append(painter.Paint(bodyPrefix, Dim))
                    .Append(painter.Paint($"  ↪ link to span {link.SpanId} of trace {link.TraceId}", Blue))
                    .Append('\n');
            }

            var body = new List<(DateTime At, SpanEventView? Event, LogLineView? Log)>();
            foreach (var spanEvent in span.Events)
            {
                body.Add((spanEvent.TimestampUtc, spanEvent, null));
            }

            if (logsBySpan.TryGetValue(span.SpanId, out var logs))
            {
                foreach (var log in logs)
                {
                    body.Add((log.TimestampUtc, null, log));
                }
            }

            body.Sort(static (a, b) => a.At.CompareTo(b.At));
            foreach (var (at, spanEvent, log) in body)
            {
                output.Append(painter.Paint(bodyPrefix, Dim))
                    .Append(painter.Paint("  " + FormatOffset(at - start), Dim))
                    .Append("  ");
                if (spanEvent is not null)
                {
                    AppendEvent(output, painter, spanEvent);
                }
                else
                {
                    AppendLog(output, painter, log!);
                }

                output.Append('\n');
            }
        }

        if (orphans.Count > 0)
        {
            output.Append(painter.Paint("  log lines of this trace whose span was not recorded:", Dim)).Append('\n');
            orphans.Sort(static (a, b) => a.TimestampUtc.CompareTo(b.TimestampUtc));
            foreach (var log in orphans)
            {
                output.Append(painter.Paint("  " + FormatOffset(log.TimestampUtc - start), Dim)).Append("  ");
                AppendLog(output, painter, log);
                output.Append('\n');
            }
        }

        return output.ToString();
    }

    /// <summary>
    /// Renders the log lines no recorded trace holds: those whose trace was not recorded (listed with the ids they
    /// carry), then those that carry no trace fields (written outside any span).
    /// </summary>
    /// <param name="logs">The log lines.</param>
    /// <param name="color">Whether to use ANSI colours.</param>
    /// <returns>The text, empty when there are none.</returns>
    public static string RenderOutsideSpans(IReadOnlyList<LogLineView> logs, bool color)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var painter = new Painter(color);
        var output = new StringBuilder();
        AppendOutside(output, painter, "log lines whose trace was not recorded (ids as written)", [.. logs.Where(static l => l.TraceId is not null)]);
        AppendOutside(output, painter, "outside any span (no trace fields written)", [.. logs.Where(static l => l.TraceId is null)]);
        return output.ToString();
    }

    /// <summary>Formats a duration the way the waterfall shows it (<c>0.42 ms</c>, <c>12.3 ms</c>, <c>1.25 s</c>).</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    public static string FormatDuration(TimeSpan duration)
    {
        var ms = duration.TotalMilliseconds;
        return ms switch
        {
            < 10 => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
            < 1000 => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
            _ => (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        };
    }

    private static void Walk(SpanView span, string tree, string childPrefix, Dictionary<string, List<SpanView>> children, List<(string, SpanView, string)> rows)
    {
        var hasChildren = children.TryGetValue(span.SpanId, out var kids);
        rows.Add((tree, span, childPrefix + (hasChildren ? "│" : " ")));
        if (!hasChildren)
        {
            return;
        }

        kids!.Sort(CompareByStart);
        for (var i = 0; i < kids.Count; i++)
        {
            var last = i == kids.Count - 1;
            Walk(kids[i], childPrefix + (last ? "└─ " : "├─ "), childPrefix + (last ? "   " : "│  "), children, rows);
        }
    }

    private static string Label(SpanView span) => span.Kind is null ? span.Name : span.Name + " " + span.Kind;

    private static int CompareByStart(SpanView a, SpanView b)
    {
        var byStart = a.StartUtc.CompareTo(b.StartUtc);
        return byStart != 0 ? byStart : string.CompareOrdinal(a.SpanId, b.SpanId);
    }

    private static string Bar(SpanView span, DateTime start, TimeSpan total)
    {
        var from = (int)((span.StartUtc - start).Ticks * BarWidth / total.Ticks);
        var to = (int)(((span.EndUtc - start).Ticks * BarWidth + total.Ticks - 1) / total.Ticks);
        from = Math.Clamp(from, 0, BarWidth - 1);
        to = Math.Clamp(to, from + 1, BarWidth);
        return new string(' ', from) + new string('█', to - from) + new string(' ', BarWidth - to);
    }

    private static void AppendEvent(StringBuilder output, Painter painter, SpanEventView spanEvent)
    {
        var text = new StringBuilder("• ").Append(spanEvent.Name);
        foreach (var attribute in spanEvent.Attributes)
        {
            text.Append(' ').Append(attribute.Key).Append('=').Append(attribute.Value);
        }

        output.Append(painter.Paint(text.ToString(), spanEvent.Name == "exception" ? Red : Magenta));
    }

    private static void AppendLog(StringBuilder output, Painter painter, LogLineView log)
    {
        var levelColor = log.Level switch
        {
            "ERROR" or "FATAL" => Bold + Red,
            "WARN" => Yellow,
            "INFO" => Green,
            _ => Dim,
        };
        output.Append(painter.Paint(log.Level.PadRight(5), levelColor))
            .Append(' ')
            .Append(painter.Paint(log.Framework.PadRight(7), Cyan))
            .Append(' ')
            .Append(log.Message);
        if (log.Tenant is not null)
        {
            output.Append(painter.Paint("  tenant.id=" + log.Tenant, Dim));
        }
    }

    private static void AppendOutside(StringBuilder output, Painter painter, string title, List<LogLineView> logs)
    {
        if (logs.Count == 0)
        {
            return;
        }

        output.Append(painter.Paint(title, Dim)).Append('\n');
        logs.Sort(static (a, b) => a.TimestampUtc.CompareTo(b.TimestampUtc));
        foreach (var log in logs)
        {
            output.Append(painter.Paint("  " + log.TimestampUtc.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), Dim)).Append("  ");
            AppendLog(output, painter, log);
            if (log.TraceId is not null)
            {
                output.Append(painter.Paint("  trace_id=" + log.TraceId + (log.SpanId is null ? string.Empty : " span_id=" + log.SpanId), Dim));
            }

            output.Append('\n');
        }
    }

    private static string FormatOffset(TimeSpan offset)
    {
        var ms = Math.Max(0, offset.TotalMilliseconds);
        return ("+" + ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms").PadLeft(10);
    }

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");

    private readonly struct Painter(bool color)
    {
        public string Paint(string text, string code) => color && text.Length > 0 ? code + text + Reset : text;
    }
}
