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
    private readonly TraceCorrelationRegistration? _enricher;

    public CorrelatingLogger(ILogger inner, CorrelationLoggerSettings settings, TraceCorrelationRegistration? enricher = null)
    {
        _inner = inner;
        _settings = settings;
        _enricher = enricher;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        CorrelatedLogState<TState>? correlated = null;
        CorrelatedLogState<EnumeratedLogState<TState>>? copied = null;
        var throughEnricher = false;
        try
        {
            var span = TraceFieldSet.CurrentSpan();
            if (span is not null && _settings.DropUnsampledTraces && (span.ActivityTraceFlags & ActivityTraceFlags.Recorded) == 0)
            {
                if (_inner.IsEnabled(logLevel))
                {
                    _settings.CountDropped();
                }

                return;
            }

            // EnableEnrichment()'s logger reads a LoggerMessageState (the state of Microsoft.Extensions.Telemetry's
            // generator) itself, classified tags included, only when it is the record's state: wrapped, those tags
            // would be lost. Such a record goes through unchanged and our enricher adds the fields there.
            if (_enricher is not null && state is LoggerMessageState)
            {
                throughEnricher = true;
            }

            // The Log* extensions call Log without asking IsEnabled first: a Debug or Trace record the provider filters
            // out itself (Serilog's or NLog's minimum level) gets no state of ours. Information and above are not asked:
            // the question costs every written record ~0.04x of a bare call (measured), and those levels are mostly written;
            // a provider that drops them still gets our state, and writes nothing, as without us.
            else if (formatter is not null && (span is not null || _settings.HasFieldsOutsideSpan) && (logLevel >= LogLevel.Information || _inner.IsEnabled(logLevel)))
            {
                // A state that enumerates entries without being a list (a dictionary) cannot be extended in place: its
                // entries are copied once, so its record gets the fields too. So is a class state that is a list (one the
                // caller builds): read through its own enumerator, here, as providers that enumerate would read it, not
                // through a Count and indexer that may disagree with it (or throw) inside the provider, which then drops
                // the record. MEL's own states are structs and are not copied. Type tests without a bound variable: the
                // JIT folds them for a struct state, without boxing it.
                if ((!typeof(TState).IsValueType || state is not IReadOnlyList<KeyValuePair<string, object?>>) && state is IEnumerable<KeyValuePair<string, object?>>)
                {
                    copied = CorrelatedLogState<EnumeratedLogState<TState>>.Create(
                        EnumeratedLogState<TState>.Copy(state, formatter), EnumeratedLogState<TState>.Format, span, _settings);
                }
                else
                {
                    correlated = CorrelatedLogState<TState>.Create(state, formatter, span, _settings);
                }
            }
        }
        catch (Exception ex)
        {
            // Our part failed: the record goes out as the caller wrote it, without fields.
            CorrelationEventSource.Log.Swallowed("Correlation.MEL", ex);
            correlated = null;
            copied = null;
            throughEnricher = false;
        }

        if (throughEnricher)
        {
            _enricher!.LogThroughEnricher(_inner, logLevel, eventId, state, exception, formatter!);
        }
        else if (copied is not null)
        {
            _inner.Log(logLevel, eventId, copied, exception, copied.Formatter);
        }
        else if (correlated is null)
        {
            _inner.Log(logLevel, eventId, state, exception, formatter!);
        }
        else
        {
            _inner.Log(logLevel, eventId, correlated, exception, correlated.Formatter);
        }
    }
}
