using System.Diagnostics;
using Correlation.Trace.Exporting;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Trace;

/// <summary>
/// Configures a <see cref="TracerProvider"/> in one expression:
/// <c>TracerProvider.CreateBuilder().AddSource("MyCompany.*").AddConsoleExporter().Build()</c>.
/// Configuration methods throw on bad arguments, and with <see cref="InvalidOperationException"/> once <see cref="Build"/>
/// has run (the provider took its settings then; a later source or processor would never be used). Nothing the built
/// provider does afterwards throws.
/// </summary>
public sealed class TracerProviderBuilder
{
    private readonly List<string> _sources = new();
    private readonly List<SpanProcessor> _processors = new();
    private readonly List<Action<ResourceBuilder>> _configureResource = new();
    private Sampler? _sampler;
    private Resource? _resource;
    private SpanLimits? _limits;
    private bool _built;

    internal TracerProviderBuilder()
    {
    }

    /// <summary>
    /// Listens to the <see cref="ActivitySource"/>s with these names; <c>*</c> and <c>?</c> are wildcards
    /// (<c>"MyCompany.*"</c>), matching is case-insensitive. ASP.NET Core's source is <c>Microsoft.AspNetCore</c>,
    /// HttpClient's <c>System.Net.Http</c>.
    /// </summary>
    /// <param name="names">The source names or patterns.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder AddSource(params string[] names)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(names));
            _sources.Add(name.Trim());
        }

        return this;
    }

    /// <summary>Sets the sampler; it wins over <c>OTEL_TRACES_SAMPLER</c>. The default is ParentBased(AlwaysOn).</summary>
    /// <param name="sampler">The sampler.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder SetSampler(Sampler sampler)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(sampler);
        _sampler = sampler;
        return this;
    }

    /// <summary>Sets the resource as is (the environment is not read); replaces what <see cref="ConfigureResource"/> would build.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder SetResource(Resource resource)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(resource);
        _resource = resource;
        return this;
    }

    /// <summary>
    /// Adds to the resource: the actions run, in order, on one <see cref="ResourceBuilder"/> (which also reads
    /// <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c>; code wins).
    /// </summary>
    /// <param name="configure">For example <c>r => r.AddService("checkout", "1.4.2", "production")</c>.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder ConfigureResource(Action<ResourceBuilder> configure)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(configure);
        _configureResource.Add(configure);
        return this;
    }

    /// <summary>Sets the span limits; the default is 128 of each (or the <c>OTEL_SPAN_*_LIMIT</c> variables).</summary>
    /// <param name="limits">The limits; copied.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder SetSpanLimits(SpanLimits limits)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(limits);
        var copy = limits.Clone();
        copy.Validate();
        _limits = copy;
        return this;
    }

    /// <summary>Adds a processor; processors run in the order they were added. The provider owns it.</summary>
    /// <param name="processor">The processor, e.g. a <see cref="BatchSpanProcessor"/> around an exporter.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder AddProcessor(SpanProcessor processor)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(processor);
        _processors.Add(processor);
        return this;
    }

    /// <summary>Adds each sampled span, as it ends, to <paramref name="spans"/> (through a <see cref="SimpleSpanProcessor"/>).</summary>
    /// <param name="spans">The collection; the exporter locks on it while adding, lock on it too when reading concurrently.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder AddInMemoryExporter(ICollection<Activity> spans)
        => AddProcessor(new SimpleSpanProcessor(new InMemorySpanExporter(spans)));

    /// <summary>Writes one readable line per sampled span as it ends (through a <see cref="SimpleSpanProcessor"/>).</summary>
    /// <param name="output">Where to write; <see langword="null"/> for <see cref="Console.Out"/>.</param>
    /// <returns>This builder.</returns>
    public TracerProviderBuilder AddConsoleExporter(TextWriter? output = null)
        => AddProcessor(new SimpleSpanProcessor(new ConsoleSpanExporter(output)));

    /// <summary>
    /// Builds and starts the provider. When <c>OTEL_SDK_DISABLED=true</c>, the provider listens to nothing (spans are
    /// not created by it) but still owns and shuts down its processors. Can be called once.
    /// </summary>
    /// <returns>The provider; dispose it (or call <see cref="TracerProvider.Shutdown"/>) at exit to flush.</returns>
    /// <exception cref="InvalidOperationException">Build was already called.</exception>
    /// <remarks>An exception from a <see cref="ConfigureResource"/> action fails the build; the processors added are then disposed.</remarks>
    public TracerProvider Build()
    {
        ThrowIfBuilt();
        _built = true;
        var environment = Configuration.SdkEnvironment.Process;
        try
        {
            var resource = _resource;
            if (resource is null)
            {
                var resourceBuilder = new ResourceBuilder();
                foreach (var configure in _configureResource)
                {
                    configure(resourceBuilder);
                }

                resource = resourceBuilder.Build();
            }

            return new TracerProvider(
                _sources.ToArray(),
                _sampler ?? environment.ReadSampler(),
                resource,
                _limits ?? new SpanLimits(environment),
                _processors.ToArray(),
                environment.IsSdkDisabled());
        }
        catch
        {
            // A user's ConfigureResource action threw: no provider will own the processors, and this builder cannot
            // build again, so nothing else would ever stop a batch processor's worker thread or release its exporter.
            DisposeProcessors();
            throw;
        }
    }

    private void DisposeProcessors()
    {
        foreach (var processor in _processors)
        {
            try
            {
                processor.Dispose();
            }
            catch (Exception ex)
            {
                Diagnostics.CorrelationEventSource.Log.Swallowed(processor.GetType().Name + ".Dispose", ex);
            }
        }
    }

    /// <summary>Called first by every configuration method, and by extensions before they create what they add.</summary>
    internal void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder has already built a provider; configure a new builder.");
        }
    }
}
