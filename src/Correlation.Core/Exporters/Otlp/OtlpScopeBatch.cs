using System.Diagnostics;

namespace Correlation.Exporters.Otlp;

/// <summary>
/// One export's spans grouped by instrumentation scope (their <see cref="ActivitySource"/>), as OTLP nests them.
/// The lists are kept between exports so grouping allocates nothing in steady state.
/// </summary>
internal sealed class OtlpScopeBatch
{
    private readonly Dictionary<ActivitySource, Entry> _byScope = new();
    private readonly List<ActivitySource> _scopes = new();

    /// <summary>The scopes present in this batch, in first-seen order.</summary>
    public List<ActivitySource> Scopes => _scopes;

    /// <summary>Spans that cannot be represented in OTLP (not W3C ids) and were left out.</summary>
    public int Skipped { get; private set; }

    /// <summary>Spans in the batch.</summary>
    public int SpanCount { get; private set; }

    public List<Activity> SpansOf(ActivitySource scope) => _byScope[scope].Spans;

    /// <summary>The scope's attributes (<see cref="ActivitySource.Tags"/>), copied once per source.</summary>
    public KeyValuePair<string, object?>[] TagsOf(ActivitySource scope) => _byScope[scope].Tags;

    public void Fill(ReadOnlySpan<Activity> batch)
    {
        Clear();
        foreach (var activity in batch)
        {
            if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
            {
                Skipped++;
                continue;
            }

            var source = activity.Source;
            if (!_byScope.TryGetValue(source, out var entry))
            {
                entry = new Entry(source.Tags is { } tags ? tags.ToArray() : Array.Empty<KeyValuePair<string, object?>>());
                _byScope.Add(source, entry);
            }

            var list = entry.Spans;

            if (list.Count == 0)
            {
                _scopes.Add(source);
            }

            list.Add(activity);
            SpanCount++;
        }
    }

    public void Clear()
    {
        foreach (var scope in _scopes)
        {
            _byScope[scope].Spans.Clear();
        }

        _scopes.Clear();
        Skipped = 0;
        SpanCount = 0;

        // A process with many short-lived sources would otherwise keep every one of them reachable.
        if (_byScope.Count > 256)
        {
            _byScope.Clear();
        }
    }

    private sealed class Entry(KeyValuePair<string, object?>[] tags)
    {
        public List<Activity> Spans { get; } = new();

        public KeyValuePair<string, object?>[] Tags { get; } = tags;
    }
}
