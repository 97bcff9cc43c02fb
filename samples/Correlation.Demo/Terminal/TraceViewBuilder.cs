using System.Diagnostics;
using System.Globalization;

namespace Correlation.Demo.Terminal;

/// <summary>
/// Groups finished spans into traces and attaches each log line to its trace by the trace id field the logging
/// adapter wrote into the record (never by asking <see cref="Activity.Current"/>).
/// </summary>
internal static class TraceViewBuilder
{
    /// <summary>Builds the traces.</summary>
    /// <param name="spans">The finished spans, as the exporter received them.</param>
    /// <param name="logs">The log lines read back from the frameworks' output.</param>
    /// <returns>The traces in start order, and the log lines that belong to no recorded trace.</returns>
    public static (IReadOnlyList<TraceView> Traces, IReadOnlyList<LogLineView> Unmatched) Build(IEnumerable<Activity> spans, IEnumerable<LogLineView> logs)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(logs);
        var spansByTrace = new Dictionary<string, List<SpanView>>(StringComparer.Ordinal);
        foreach (var activity in spans)
        {
            var traceId = activity.TraceId.ToHexString();
            if (!spansByTrace.TryGetValue(traceId, out var list))
            {
                list = [];
                spansByTrace[traceId] = list;
            }

            list.Add(ToView(activity));
        }

        var logsByTrace = new Dictionary<string, List<LogLineView>>(StringComparer.Ordinal);
        var unmatched = new List<LogLineView>();
        foreach (var log in logs)
        {
            if (log.TraceId is { } traceId && spansByTrace.ContainsKey(traceId))
            {
                if (!logsByTrace.TryGetValue(traceId, out var list))
                {
                    list = [];
                    logsByTrace[traceId] = list;
                }

                list.Add(log);
            }
            else
            {
                unmatched.Add(log);
            }
        }

        var traces = new List<TraceView>(spansByTrace.Count);
        foreach (var (traceId, list) in spansByTrace)
        {
            traces.Add(new TraceView(traceId, list, logsByTrace.TryGetValue(traceId, out var traceLogs) ? traceLogs : []));
        }

        traces.Sort(static (a, b) => a.StartUtc.CompareTo(b.StartUtc));
        return (traces, unmatched);
    }

    /// <summary>
    /// The span's name as the view shows it: its display name, and for an HttpClient span (named "GET" by the
    /// semantic conventions) the path it called too.
    /// </summary>
    /// <param name="activity">The span.</param>
    /// <returns>The name.</returns>
    public static string DisplayName(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Kind == ActivityKind.Client
            && activity.GetTagItem("url.full") is string url
            && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return activity.DisplayName + " " + uri.AbsolutePath;
        }

        return activity.DisplayName;
    }

    /// <summary>Turns a finished <see cref="Activity"/> into the view's span.</summary>
    /// <param name="activity">The span.</param>
    /// <returns>The view.</returns>
    public static SpanView ToView(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var events = new List<SpanEventView>();
        foreach (var spanEvent in activity.Events)
        {
            var attributes = new List<KeyValuePair<string, string>>();
            foreach (var tag in spanEvent.Tags)
            {
                // The stack trace belongs in the backend, not in a one-line view.
                if (tag.Key != "exception.stacktrace" && tag.Value is not null)
                {
                    attributes.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
                }
            }

            events.Add(new SpanEventView(spanEvent.Name, spanEvent.Timestamp.UtcDateTime, attributes));
        }

        var links = new List<SpanLinkView>();
        foreach (var link in activity.Links)
        {
            links.Add(new SpanLinkView(link.Context.TraceId.ToHexString(), link.Context.SpanId.ToHexString()));
        }

        var parent = activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString();
        return new SpanView(
            activity.SpanId.ToHexString(),
            parent,
            DisplayName(activity),
            activity.Kind == ActivityKind.Internal ? null : activity.Kind.ToString().ToLowerInvariant(),
            activity.StartTimeUtc,
            activity.Duration,
            activity.Status == ActivityStatusCode.Error,
            activity.StatusDescription,
            events,
            links);
    }
}
