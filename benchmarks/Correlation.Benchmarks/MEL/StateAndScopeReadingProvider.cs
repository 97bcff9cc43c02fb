using Microsoft.Extensions.Logging;

namespace Correlation.Benchmarks.MEL;

/// <summary>
/// A provider that does what structured providers do with a record, without I/O: formats the message, reads every
/// property of the state and every property of every scope (so ActivityTrackingOptions' scope is paid for in full).
/// </summary>
/// <typeparam name="TRow">
/// A marker that gives each benchmark row its own copy of this provider's code (a generic instantiation over a struct
/// is compiled separately). With one copy shared by every row of an interleaved run, dynamic PGO specializes the
/// provider's <c>Count</c>/indexer call sites for whichever row's state type was running when the code tiered up, and
/// every other row pays interface dispatch: the "fast or slow mode" of earlier runs. An application runs one
/// configuration, so each row gets its own profile; <see cref="ProviderRows.Shared"/> reproduces the shared case.
/// </typeparam>
internal sealed class StateAndScopeReadingProvider<TRow> : ILoggerProvider, ISupportExternalScope
    where TRow : struct
{
    private IExternalScopeProvider? _scopes;

    public long Sink { get; private set; }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private static int Read(object? state)
    {
        var total = 0;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var pair = list[i];
                total += pair.Key.Length + (pair.Value?.GetHashCode() ?? 0);
            }
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> items)
        {
            foreach (var pair in items)
            {
                total += pair.Key.Length + (pair.Value?.GetHashCode() ?? 0);
            }
        }

        return total;
    }

    private sealed class Logger(StateAndScopeReadingProvider<TRow> owner) : ILogger
    {
        // Reused (the benchmark is single-threaded) so the provider itself allocates nothing per call.
        private readonly Counter _counter = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var total = formatter(state, exception).Length + Read(state);
            _counter.Value = 0;
            owner._scopes?.ForEachScope(static (scope, box) => box.Value += Read(scope), _counter);
            owner.Sink += total + _counter.Value;
        }
    }

    private sealed class Counter
    {
        public int Value;
    }
}
