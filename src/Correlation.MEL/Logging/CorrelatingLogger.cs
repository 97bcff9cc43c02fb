using System.Diagnostics;
using Correlation.Context;
using Correlation.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Correlation.Logging;

/// <summary>
/// Wraps the logger of the application's factory (which fans out to every provider): each record's state is replaced by
/// a <see cref="CorrelatedLogState{TState}"/> carrying the correlation fields, so every provider sees them as the record's own
/// structured properties.
/// </summary>
internal sealed class CorrelatingLogger : ILogger
{
    private readonly ILogger _inner;
    private readonly CorrelationLoggerSettings _settings;

    public CorrelatingLogger(ILogger inner, CorrelationLoggerSettings settings)
    {
        _inner = inner;
        _settings = settings;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        CorrelatedLogState<TState>? correlated = null;
        try
        {
            var span = TraceFieldSet.CurrentSpan();
            if (span is not null)
            {
                if (_settings.DropUnsampledTraces && (span.ActivityTraceFlags & ActivityTraceFlags.Recorded) == 0)
                {
                    if (_inner.IsEnabled(logLevel))
                    {
                        _settings.CountDropped();
                    }

                    return;
                }

                if (formatter is not null)
                {
                    correlated = CorrelatedLogState<TState>.Create(state, formatter, span, _settings);
                }
            }
            else if (_settings.HasFieldsOutsideSpan && formatter is not null)
            {
                correlated = CorrelatedLogState<TState>.Create(state, formatter, null, _settings);
            }
        }
        catch (Exception ex)
        {
            // Our part failed: the record goes out as the caller wrote it, without fields.
            CorrelationEventSource.Log.Swallowed("Correlation.MEL", ex);
            correlated = null;
        }

        if (correlated is null)
        {
            _inner.Log(logLevel, eventId, state, exception, formatter!);
        }
        else
        {
            _inner.Log(logLevel, eventId, correlated, exception, correlated.Formatter);
        }
    }
}
