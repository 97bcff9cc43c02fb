using System.Collections.Concurrent;
using Correlation.Context;
using Microsoft.Extensions.Logging;

namespace Correlation.Core.Tests.Propagation;

/// <summary>
/// A real Microsoft.Extensions.Logging provider that keeps each record with the scopes the factory gave it (the
/// factory adds TraceId/SpanId scopes through ActivityTrackingOptions) and the baggage the Core reader sees at the moment
/// of the call.
/// </summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<LogRecord> Records { get; } = new();

    public static ILoggerFactory CreateFactory(CollectingLoggerProvider provider)
        => LoggerFactory.Create(builder =>
        {
            builder.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
            builder.SetMinimumLevel(LogLevel.Trace);
            builder.AddProvider(provider);
        });

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    internal sealed record LogRecord(string Message, IReadOnlyDictionary<string, string?> Scope, string? Tenant);

    private sealed class Logger(CollectingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, string?>(StringComparer.Ordinal);
            provider._scopes?.ForEachScope(
                static (item, values) =>
                {
                    if (item is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var pair in pairs)
                        {
                            values[pair.Key] = pair.Value?.ToString();
                        }
                    }
                },
                scope);
            provider.Records.Enqueue(new LogRecord(formatter(state, exception), scope, TraceBaggage.GetItem("tenant")));
        }
    }
}
