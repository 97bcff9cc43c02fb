using Correlation.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Correlation.Logging;

/// <summary>
/// Binds <see cref="TraceCorrelationLoggerOptions"/> from the <c>Logging:Correlation</c> section of the application's
/// configuration, when there is one. Registered before any code delegate, so code wins over configuration.
/// </summary>
internal sealed class TraceCorrelationConfigureFromConfiguration : IConfigureOptions<TraceCorrelationLoggerOptions>
{
    private readonly IConfiguration? _configuration;

    public TraceCorrelationConfigureFromConfiguration(IConfiguration? configuration = null) => _configuration = configuration;

    public void Configure(TraceCorrelationLoggerOptions options)
    {
        if (_configuration is null)
        {
            return;
        }

        var section = _configuration.GetSection(TraceCorrelationLoggerOptions.ConfigurationSectionName);
        if (!section.Exists())
        {
            return;
        }

        // A bad value in a configuration file is reported and ignored, never fatal (SPEC 3, HOUSE-STYLE "Errors").
        try
        {
            section.Bind(options.Context);
        }
        catch (InvalidOperationException ex)
        {
            CorrelationEventSource.Log.InvalidConfiguration(section.Path, section.Value ?? "(section)", ex.Message);
        }

        var drop = section[nameof(TraceCorrelationLoggerOptions.DropUnsampledTraces)];
        if (drop is not null)
        {
            if (bool.TryParse(drop, out var value))
            {
                options.DropUnsampledTraces = value;
            }
            else
            {
                CorrelationEventSource.Log.InvalidConfiguration(section.Path + ":" + nameof(TraceCorrelationLoggerOptions.DropUnsampledTraces), drop, "not true or false");
            }
        }
    }
}
