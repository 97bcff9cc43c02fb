namespace Correlation.Demo.Terminal;

/// <summary>A finished trace: its spans and the log lines whose trace id is this trace's.</summary>
internal sealed record TraceView(string TraceId, IReadOnlyList<SpanView> Spans, IReadOnlyList<LogLineView> Logs)
{
    /// <summary>The earliest span start.</summary>
    public DateTime StartUtc
    {
        get
        {
            var start = DateTime.MaxValue;
            foreach (var span in Spans)
            {
                if (span.StartUtc < start)
                {
                    start = span.StartUtc;
                }
            }

            return Spans.Count == 0 ? DateTime.MinValue : start;
        }
    }

    /// <summary>The latest span end.</summary>
    public DateTime EndUtc
    {
        get
        {
            var end = DateTime.MinValue;
            foreach (var span in Spans)
            {
                if (span.EndUtc > end)
                {
                    end = span.EndUtc;
                }
            }

            return end;
        }
    }
}
