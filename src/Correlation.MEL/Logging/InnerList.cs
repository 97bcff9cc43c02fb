using System.Reflection;
using Correlation.Diagnostics;

namespace Correlation.Logging;

/// <summary>
/// Reads the caller's state as a list of entries without boxing it when it is a struct (the states of
/// <c>LoggerMessage.Define</c> and of the source generator are): a struct is read through a constrained generic call,
/// built once per state type. Reference types, or a runtime that cannot build it, use the interface directly.
/// </summary>
/// <typeparam name="TState">The caller's state type; callers check that it is a list of entries.</typeparam>
internal static class InnerList<TState>
{
    private static readonly CountGetter? s_count;
    private static readonly ItemGetter? s_item;

#pragma warning disable CA1810 // one guarded reflection step per state type; a static field initializer cannot catch
    static InnerList()
#pragma warning restore CA1810
    {
        if (!typeof(TState).IsValueType || !typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(typeof(TState)))
        {
            return;
        }

        try
        {
            var flags = BindingFlags.Static | BindingFlags.NonPublic;
            s_count = typeof(InnerList<TState>).GetMethod(nameof(CountOf), flags)!.MakeGenericMethod(typeof(TState)).CreateDelegate<CountGetter>();
            s_item = typeof(InnerList<TState>).GetMethod(nameof(ItemOf), flags)!.MakeGenericMethod(typeof(TState)).CreateDelegate<ItemGetter>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // E.g. native AOT without this instantiation: fall back to the interface (boxes per read, still correct).
            CorrelationEventSource.Log.Swallowed("Correlation.MEL", ex);
            s_count = null;
            s_item = null;
        }
    }

    private delegate int CountGetter(ref TState state);

    private delegate KeyValuePair<string, object?> ItemGetter(ref TState state, int index);

    public static int Count(ref TState state)
        => s_count is { } count ? count(ref state) : ((IReadOnlyList<KeyValuePair<string, object?>>)state!).Count;

    public static KeyValuePair<string, object?> Item(ref TState state, int index)
        => s_item is { } item ? item(ref state, index) : ((IReadOnlyList<KeyValuePair<string, object?>>)state!)[index];

    private static int CountOf<T>(ref T state)
        where T : struct, IReadOnlyList<KeyValuePair<string, object?>> => state.Count;

    private static KeyValuePair<string, object?> ItemOf<T>(ref T state, int index)
        where T : struct, IReadOnlyList<KeyValuePair<string, object?>> => state[index];
}
