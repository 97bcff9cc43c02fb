namespace Correlation.Trace;

/// <summary>
/// The resource the log adapters write when the user gave none: the running tracer provider's
/// (set by the SDK when a provider is built, so logs and spans agree), else <see cref="Resource.Default"/>.
/// With several providers running, the one built last wins; when it shuts down, the one built before it is back.
/// </summary>
internal static class ActiveResource
{
    private static readonly List<Resource> s_running = [];
    private static Resource? s_current;

    public static Resource Current => Volatile.Read(ref s_current) ?? Resource.Default;

    /// <summary>Called by the tracing SDK when a provider is built.</summary>
    public static void AddProvider(Resource resource)
    {
        lock (s_running)
        {
            s_running.Add(resource);
            Volatile.Write(ref s_current, resource);
        }
    }

    /// <summary>Called by a provider that shuts down: its resource leaves the list; the latest still running is current again.</summary>
    public static void RemoveProvider(Resource resource)
    {
        lock (s_running)
        {
            var index = s_running.LastIndexOf(resource);
            if (index < 0)
            {
                return;
            }

            s_running.RemoveAt(index);
            Volatile.Write(ref s_current, s_running.Count > 0 ? s_running[^1] : null);
        }
    }
}
