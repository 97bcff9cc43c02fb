using System.Text.RegularExpressions;

namespace Correlation.Trace;

/// <summary>
/// Decides which <see cref="System.Diagnostics.ActivitySource"/> names a provider listens to: exact names, or
/// patterns with <c>*</c> (any run of characters) and <c>?</c> (one character), case-insensitive as in
/// OpenTelemetry .NET. Built once; asked once per source. The nameless source that .NET reports legacy activities
/// (<c>new Activity(name).Start()</c>) under never matches, not even <c>*</c>: no sampler of ours decided those spans,
/// and OpenTelemetry .NET leaves them alone too unless asked for by operation name.
/// </summary>
internal sealed class SourceMatcher
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly Regex? _patterns;

    public SourceMatcher(IEnumerable<string> names)
    {
        var patterns = new List<string>();
        foreach (var name in names)
        {
            if (name.Contains('*', StringComparison.Ordinal) || name.Contains('?', StringComparison.Ordinal))
            {
                patterns.Add("(?:" + Regex.Escape(name).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + ")");
            }
            else
            {
                _exact.Add(name);
            }
        }

        if (patterns.Count > 0)
        {
            // Singleline and \z: a line break in a name is one more character ('.' would not match it, and '$' would
            // match before a trailing one).
            _patterns = new Regex(
                @"\A(?:" + string.Join('|', patterns) + @")\z",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled,
                TimeSpan.FromSeconds(1));
        }
    }

    public bool Matches(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        if (_exact.Contains(name))
        {
            return true;
        }

        try
        {
            return _patterns is not null && _patterns.IsMatch(name);
        }
        catch (RegexMatchTimeoutException ex)
        {
            Diagnostics.CorrelationEventSource.Log.Swallowed(nameof(SourceMatcher), ex);
            return false;
        }
    }
}
