namespace Correlation.Trace;

/// <summary>
/// Marks the SDK's own work (an exporter sending a batch), during which the tracer provider samples nothing: the
/// exporter's HTTP request must not become a span that the next export sends, whose request becomes another span
/// (OpenTelemetry .NET suppresses instrumentation the same way). The mark is an <see cref="AsyncLocal{T}"/>, so it
/// follows the export's own <see cref="System.Threading.ExecutionContext"/>: the request made on the exporting thread,
/// and what SocketsHttpHandler starts from it on a pool thread (connection_setup, DNS and socket connect spans). It is
/// not a mark on the thread: application code that the exporter resumes there (a continuation of a task it completes)
/// runs in the application's own context and is traced as usual. The AsyncLocal is read only while some export is
/// sending.
/// </summary>
internal static class TracingSuppression
{
    private static readonly AsyncLocal<bool> s_flowing = new();

    /// <summary>Scopes open on any thread: while none is, no span start pays for the AsyncLocal read.</summary>
    private static int s_open;

    /// <summary>Whether the current work (its ExecutionContext) is inside <see cref="Enter"/>.</summary>
    public static bool IsActive => Volatile.Read(ref s_open) != 0 && s_flowing.Value;

    /// <summary>Suppresses sampling in this flow and the work it starts until the returned scope is disposed; scopes nest.</summary>
    /// <returns>The scope.</returns>
    public static Scope Enter()
    {
        Interlocked.Increment(ref s_open);
        var previous = s_flowing.Value;
        s_flowing.Value = true;
        return new Scope(previous);
    }

    /// <summary>Ends one <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previous;

        internal Scope(bool previous) => _previous = previous;

        /// <inheritdoc/>
        public void Dispose()
        {
            // Enter ran in a synchronous method, so its AsyncLocal change stays in this flow until undone here.
            s_flowing.Value = _previous;
            Interlocked.Decrement(ref s_open);
        }
    }
}
