using System.Diagnostics;
using Correlation.Trace.Sampling;

namespace Correlation.Demo.Scenario;

/// <summary>
/// Records every span of the story, but not the HttpClient spans an exporter starts for its own requests: they have no
/// parent, and recording them would add one trace per export to the view and to the backend.
/// </summary>
internal sealed class DemoSampler : Sampler
{
    private readonly ParentBasedSampler _inner = new(new AlwaysOnSampler());

    /// <inheritdoc/>
    public override string Description => "DemoSampler{drop parentless System.Net.Http spans, else " + _inner.Description + "}";

    /// <inheritdoc/>
    public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options) =>
        options.Source.Name == "System.Net.Http" && options.Parent == default
            ? ActivitySamplingResult.None
            : _inner.ShouldSample(ref options);
}
