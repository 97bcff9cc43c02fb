namespace Correlation.Logging;

/// <summary>One cached formatter per caller state type: formats the caller's message from the caller's state.</summary>
/// <typeparam name="TState">The caller's state type.</typeparam>
internal static class CorrelatedLogStateFormatter<TState>
{
    public static readonly Func<CorrelatedLogState, Exception?, string> Instance =
        static (state, exception) => ((Func<TState, Exception?, string>)state.Formatter)((TState)state.State!, exception);
}
