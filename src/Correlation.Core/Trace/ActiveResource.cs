namespace Correlation.Trace;

/// <summary>
/// The resource the log adapters write when the user gave none: the running tracer provider's
/// (set by the SDK when a provider is built, so logs and spans agree), else <see cref="Resource.Default"/>.
/// </summary>
internal static class ActiveResource
{
    private static Resource? s_provider;

    public static Resource Current => Volatile.Read(ref s_provider) ?? Resource.Default;

    /// <summary>Called by the tracing SDK when a provider is built (and with null when it shuts down).</summary>
    public static void SetFromProvider(Resource? resource) => Volatile.Write(ref s_provider, resource);

    /// <summary>Called by a provider that shuts down: clears the resource only if it is still that provider's.</summary>
    public static void ClearIfFromProvider(Resource resource) => Interlocked.CompareExchange(ref s_provider, null, resource);
}
