using Correlation.Context;
using Correlation.Diagnostics;
using Microsoft.Extensions.Diagnostics.Enrichment;
using Microsoft.Extensions.Options;

namespace Correlation.Logging;

/// <summary>
/// The fallback for applications that call <c>EnableEnrichment()</c> after <c>AddTraceCorrelation()</c>: that call
/// replaces the registered logger factory with Microsoft.Extensions.Telemetry's, so our decorating factory is never
/// built. Its logger then asks this enricher for tags, and the fields still reach every provider as record properties.
/// It stays silent whenever the decorating factory is in place (the fields are already in the state).
/// </summary>
internal sealed class TraceCorrelationEnricher : ILogEnricher
{
    private readonly TraceCorrelationRegistration _registration;
    private readonly CorrelationLoggerSettings _settings;

    /// <summary>
    /// Built with the logger factory that calls it (at startup): options that clash throw here, as they do when the
    /// decorating factory is built, not on each record.
    /// </summary>
    public TraceCorrelationEnricher(TraceCorrelationRegistration registration, IOptions<TraceCorrelationLoggerOptions> options)
    {
        _registration = registration;
        _settings = new CorrelationLoggerSettings(options.Value);
    }

    public void Enrich(IEnrichmentTagCollector collector)
    {
        if (_registration.DecoratorActive && !_registration.EnrichesCurrentRecord)
        {
            return;
        }

        try
        {
            var settings = _settings;
            var span = TraceFieldSet.CurrentSpan();
            if (span is null && !settings.HasFieldsOutsideSpan)
            {
                return;
            }

            var set = settings.FieldSet;
            var names = settings.Names;
            for (var i = 0; i < names.Length; i++)
            {
                var value = set.GetValue(span, i);
                if (value is not null)
                {
                    collector.Add(names[i], value);
                }
            }
        }
        catch (Exception ex)
        {
            CorrelationEventSource.Log.Swallowed("Correlation.MEL", ex);
        }
    }
}
