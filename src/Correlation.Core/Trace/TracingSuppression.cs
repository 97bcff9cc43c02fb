namespace Correlation.Trace;

/// <summary>
/// Marks the SDK's own work (an exporter sending a batch), during which the tracer provider samples nothing: the
/// exporter's HTTP request must not become a span that the next export sends, whose request becomes another span
/// (OpenTelemetry .NET suppresses instrumentation the same way). The OTLP transport sends synchronously, so the
/// request's own spans start on the marked thread (a thread-static, the cheap check); SocketsHttpHandler opens a new
/// connection on a pool thread instead (connection_setup, DNS and socket connect spans), reached through the flowing
/// <see cref="System.Threading.ExecutionContext"/>, which is read only while some export is sending.
/// </summary>
internal static class TracingSuppression
{
    private static readonly AsyncLocal<bool> s_flowing = new();

    [ThreadStatic]
    private static int t_depth;

    /// <summary>Scopes open on any thread: while none is, no span start pays for the AsyncLocal read.</summary>
    private static int s_open;

    /// <summary>Whether the current thread, or the work it continues, is inside <see cref="Enter"/>.</summary>
    public static bool IsActive => t_depth != 0 || (Volatile.Read(ref s_open) != 0 && s_flowing.Value);

    /// <summary>Suppresses sampling on this thread and the work it starts until the returned scope is disposed; scopes nest.</summary>
    /// <returns>The scope.</returns>
    public static Scope Enter()
    {
        t_depth++;
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
            // Enter ran in a synchronous method, so its AsyncLocal change stays on this thread until undone here.
            s_flowing.Value = _previous;
            Interlocked.Decrement(ref s_open);
            t_depth--;
        }
    }
}
