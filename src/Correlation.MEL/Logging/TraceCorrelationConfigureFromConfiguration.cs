using System.Globalization;
using Correlation.Context;
using Correlation.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Correlation.Logging;

/// <summary>
/// Binds <see cref="TraceCorrelationLoggerOptions"/> from the <c>Logging:Correlation</c> section of the application's
/// configuration, when there is one. Registered before any code delegate, so code wins over configuration.
/// </summary>
/// <remarks>
/// A bad value in a configuration file is reported on the EventSource and ignored, never fatal (SPEC 3, HOUSE-STYLE
/// "Errors"): each key is read on its own, so one bad value does not discard the good ones next to it, and a section
/// whose values are each valid but together rejected (two fields with one name) is ignored whole.
/// </remarks>
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

        var context = options.Context;
        var before = context.Clone();

        if (ReadName<TraceFieldProfile>(section, nameof(TraceContextOptions.Profile), out var profile))
        {
            context.Profile = profile;
        }

        var fieldsText = section[nameof(TraceContextOptions.Fields)];
        if (!string.IsNullOrWhiteSpace(fieldsText))
        {
            if (TraceContextOptionsText.TryParseFields(fieldsText, out var fields, out _))
            {
                context.Fields = fields;
            }
            else
            {
                CorrelationEventSource.Log.InvalidConfiguration(
                    section.Path + ":" + nameof(TraceContextOptions.Fields), fieldsText, "expected a comma-separated list of: " + TraceContextOptionsText.FieldNames);
            }
        }

        if (ReadName<MissingFieldBehavior>(section, nameof(TraceContextOptions.MissingFields), out var missing))
        {
            context.MissingFields = missing;
        }

        var names = section.GetSection(nameof(TraceContextOptions.Names));
        if (!string.IsNullOrEmpty(names.Value))
        {
            Report(names, names.Value, "expected a map of span field to name, e.g. { \"TraceId\": \"traceId\" }");
        }

        foreach (var entry in names.GetChildren())
        {
            if (!TraceContextOptionsText.TryParseFields(entry.Key, out var field, out _) || !TraceContextOptionsText.IsSingleField(field))
            {
                Report(entry, entry.Key, "not one span field: " + TraceContextOptionsText.FieldNames);
            }
            else if (string.IsNullOrWhiteSpace(entry.Value))
            {
                Report(entry, entry.Value ?? string.Empty, "an empty field name");
            }
            else
            {
                context.Names[field] = entry.Value.Trim();
            }
        }

        ReadMap(section.GetSection(nameof(TraceContextOptions.Baggage)), context.Baggage);
        ReadMap(section.GetSection(nameof(TraceContextOptions.ResourceFields)), context.ResourceFields);

        // Values valid one by one can still be rejected together (two fields under one name): then the section is ignored.
        try
        {
            _ = new CorrelationLoggerSettings(options);
        }
        catch (ArgumentException ex)
        {
            CorrelationEventSource.Log.InvalidConfiguration(section.Path, "(section)", ex.Message + " The section is ignored.");
            context.CopyFrom(before);
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

    private static bool ReadName<T>(IConfigurationSection section, string key, out T value)
        where T : struct, Enum
    {
        value = default;
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            // Absent or empty: the default, as the Serilog configuration overload reads it.
            return false;
        }

        if (TraceContextOptionsText.TryParseName(text, out value))
        {
            return true;
        }

        CorrelationEventSource.Log.InvalidConfiguration(section.Path + ":" + key, text, "expected " + string.Join(" | ", Enum.GetNames<T>()));
        return false;
    }

    /// <summary>
    /// Reads an allow-list either as an object (<c>{ "tenant.id": "tenant" }</c>: key to field name) or as an array
    /// (<c>[ "tenant.id", "user.id=user" ]</c>: each <c>key</c> or <c>key=fieldName</c>, Serilog's configuration form).
    /// Configuration shows an array as children named 0, 1, 2...; a section whose children are all so named is read as one.
    /// </summary>
    private static void ReadMap(IConfigurationSection map, Dictionary<string, string> target)
    {
        // A single string ("Baggage": "tenant.id") has no children: without this it would be ignored without a word
        // (an empty one, or JSON null, means none and is not worth a warning).
        if (!string.IsNullOrEmpty(map.Value))
        {
            Report(map, map.Value, "expected a map of key to field name or a list of 'key' / 'key=fieldName'");
        }

        var entries = map.GetChildren().ToList();
        var isArray = entries.Count > 0 && entries.TrueForAll(e => int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        foreach (var entry in entries)
        {
            if (entry.Value is null)
            {
                Report(entry, "(section)", isArray ? "expected 'key' or 'key=fieldName'" : "expected a key mapped to a field name");
            }
            else if (!isArray)
            {
                target[entry.Key] = entry.Value.Trim();
            }
            else if (TraceContextOptionsText.TryParseListItem(entry.Value, out var key, out var name))
            {
                target[key] = name ?? string.Empty;
            }
            else
            {
                Report(entry, entry.Value, "expected 'key' or 'key=fieldName'");
            }
        }
    }

    private static void Report(IConfigurationSection entry, string value, string reason)
        => CorrelationEventSource.Log.InvalidConfiguration(entry.Path, value, reason + "; ignored");
}
