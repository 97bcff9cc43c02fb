namespace Correlation.Trace;

/// <summary>
/// Marks the current thread as doing the SDK's own work (an exporter sending a batch), during which the tracer
/// provider samples nothing: the exporter's HTTP request must not become a span that the next export sends, whose
/// request becomes another span (OpenTelemetry .NET suppresses instrumentation the same way). The OTLP transport sends
/// synchronously, so the request's spans start on the marked thread.
/// </summary>
internal static class TracingSuppression
{
    [ThreadStatic]
    private static int t_depth;

    /// <summary>Whether the current thread is inside <see cref="Enter"/>.</summary>
    public static bool IsActive => t_depth != 0;

    /// <summary>Suppresses sampling on this thread until the returned scope is disposed; scopes nest.</summary>
    /// <returns>The scope.</returns>
    public static Scope Enter()
    {
        t_depth++;
        return default;
    }

    /// <summary>Ends one <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_depth--;
    }
}
