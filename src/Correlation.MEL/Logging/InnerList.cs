using System.Reflection;
using Correlation.Diagnostics;

namespace Correlation.Logging;

/// <summary>
/// Reads the caller's state as a list of entries without boxing it when it is a struct (the states of
/// <c>LoggerMessage.Define</c> and of the source generator are): a struct is read through a constrained generic
/// implementation, built once per state type. Reference types, or a runtime that cannot build it, use the interface.
/// Held by each <see cref="LogStateShape{TState}"/>, so a record reads an entry with one virtual call (no static lookup
/// through the shared generic code's dictionary, no delegate).
/// </summary>
/// <typeparam name="TState">The caller's state type; callers check that it is a list of entries.</typeparam>
internal abstract class InnerList<TState>
{
    /// <summary>The reader for <typeparamref name="TState"/>.</summary>
    public static readonly InnerList<TState> Instance = Create();

    public abstract int Count(ref TState state);

    public abstract KeyValuePair<string, object?> Item(ref TState state, int index);

    private static InnerList<TState> Create()
    {
        if (typeof(TState).IsValueType && typeof(IReadOnlyList<KeyValuePair<string, object?>>).IsAssignableFrom(typeof(TState)))
        {
            try
            {
                var type = typeof(StructList<>).MakeGenericType(typeof(TState), typeof(TState));
                return (InnerList<TState>)Activator.CreateInstance(type)!;
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or TargetInvocationException)
            {
                // E.g. native AOT without this instantiation: fall back to the interface (boxes per read, still correct).
                CorrelationEventSource.Log.Swallowed("Correlation.MEL", ex);
            }
        }

        return new InterfaceList();
    }

    private sealed class InterfaceList : InnerList<TState>
    {
        public override int Count(ref TState state) => ((IReadOnlyList<KeyValuePair<string, object?>>)state!).Count;

        public override KeyValuePair<string, object?> Item(ref TState state, int index) => ((IReadOnlyList<KeyValuePair<string, object?>>)state!)[index];
    }

    private sealed class StructList<T> : InnerList<T>
        where T : struct, IReadOnlyList<KeyValuePair<string, object?>>
    {
        public override int Count(ref T state) => state.Count;

        public override KeyValuePair<string, object?> Item(ref T state, int index) => state[index];
    }
}
