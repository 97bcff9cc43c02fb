using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Correlation.Demo.Logging;

/// <summary>
/// A logger provider that formats every record with Microsoft.Extensions.Logging's own JSON console formatter (scopes
/// included) and puts the line into the capture instead of the console.
/// </summary>
internal sealed class MelCaptureProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly LogCapture _capture;
    private readonly ServiceProvider _formatterServices;
    private readonly ConsoleFormatter _formatter;
    private IExternalScopeProvider? _scopes;

    /// <summary>Creates the provider.</summary>
    /// <param name="capture">Where the JSON lines go.</param>
    public MelCaptureProvider(LogCapture capture)
    {
        _capture = capture;
        // The JSON formatter is internal to Microsoft.Extensions.Logging.Console; its registration is the public way to get it.
        _formatterServices = new ServiceCollection()
            .AddLogging(logging => logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "O";
            }))
            .BuildServiceProvider();
        _formatter = _formatterServices.GetServices<ConsoleFormatter>().First(f => f.Name == ConsoleFormatterNames.Json);
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc/>
    public void Dispose() => _formatterServices.Dispose();

    private sealed class CaptureLogger(MelCaptureProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state) ?? NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
            provider._formatter.Write(in entry, provider._scopes, writer);
            provider._capture.Add(LogFrameworks.Mel, writer.ToString());
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}
