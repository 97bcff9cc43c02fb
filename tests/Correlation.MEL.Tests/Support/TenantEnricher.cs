using Microsoft.Extensions.Diagnostics.Enrichment;

namespace Correlation.MEL.Tests.Support;

/// <summary>A Microsoft.Extensions.Telemetry log enricher, to show <c>EnableEnrichment()</c> and correlation together.</summary>
internal sealed class TenantEnricher : ILogEnricher
{
    public void Enrich(IEnrichmentTagCollector collector) => collector.Add("enriched.by", "tenant-enricher");
}
