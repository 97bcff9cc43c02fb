using System.Collections.Concurrent;
using Correlation.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Correlation.Logging;

/// <summary>
/// Decorates the application's logger factory (Microsoft.Extensions.Logging's, or the one <c>EnableEnrichment()</c>
/// installs): loggers it hands out add the correlation fields to each record's state before the inner factory's logger
/// filters and fans the record out to the providers. Provider filters, scopes and <c>ActivityTrackingOptions</c> are the
/// inner factory's, untouched.
/// </summary>
internal sealed class CorrelatingLoggerFactory : ILoggerFactory
{
    private readonly ILoggerFactory _inner;
    private readonly bool _ownsInner;
    private readonly TraceCorrelationRegistration? _enricher;
    private readonly ConcurrentDictionary<string, CorrelatingLogger> _loggers = new(StringComparer.Ordinal);
    private int _disposed;

    /// <param name="inner">The application's factory.</param>
    /// <param name="ownsInner">Whether disposing this factory disposes <paramref name="inner"/>.</param>
    /// <param name="settings">The compiled options.</param>
    /// <param name="enricher">Set when <paramref name="inner"/> is <c>EnableEnrichment()</c>'s, which calls our enricher.</param>
    public CorrelatingLoggerFactory(ILoggerFactory inner, bool ownsInner, CorrelationLoggerSettings settings, TraceCorrelationRegistration? enricher = null)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        _enricher = enricher;
        Settings = settings;
    }

    internal CorrelationLoggerSettings Settings { get; }

    internal ILoggerFactory Inner => _inner;

    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        return _loggers.GetOrAdd(categoryName, static (name, self) => new CorrelatingLogger(self._inner.CreateLogger(name), self.Settings, self._enricher), this);
    }

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var dropped = Settings.Dropped;
        if (dropped > 0)
        {
            CorrelationEventSource.Log.Dropped("Correlation.MEL", dropped, "log records of unsampled traces (DropUnsampledTraces)");
        }

        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }
}
