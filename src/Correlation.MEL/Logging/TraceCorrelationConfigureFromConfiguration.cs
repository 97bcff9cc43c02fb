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
    private static readonly TraceFields AllFields = TraceFields.TraceId | TraceFields.SpanId | TraceFields.ParentSpanId | TraceFields.TraceFlags | TraceFields.TraceState;

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

        if (ReadEnum<TraceFieldProfile>(section, nameof(TraceContextOptions.Profile), static p => Enum.IsDefined(p), out var profile))
        {
            context.Profile = profile;
        }

        if (ReadEnum<TraceFields>(section, nameof(TraceContextOptions.Fields), static f => (f & ~AllFields) == 0, out var fields))
        {
            context.Fields = fields;
        }

        if (ReadEnum<MissingFieldBehavior>(section, nameof(TraceContextOptions.MissingFields), static m => Enum.IsDefined(m), out var missing))
        {
            context.MissingFields = missing;
        }

        foreach (var entry in section.GetSection(nameof(TraceContextOptions.Names)).GetChildren())
        {
            if (!Enum.TryParse<TraceFields>(entry.Key, ignoreCase: true, out var field) || !char.IsAsciiLetter(entry.Key[0])
                || field == TraceFields.None || (field & (field - 1)) != 0 || (field & ~AllFields) != 0)
            {
                Report(entry, entry.Key, "not one span field: " + string.Join(", ", Enum.GetNames<TraceFields>()));
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
            Restore(context, before);
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

    private static bool ReadEnum<T>(IConfigurationSection section, string key, Func<T, bool> isValid, out T value)
        where T : struct, Enum
    {
        value = default;
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            // Absent or empty: the default (for Fields, the profile's), as the Serilog configuration overload reads it.
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Length > 0 && char.IsAsciiLetter(trimmed[0]) && Enum.TryParse(trimmed, ignoreCase: true, out value) && isValid(value))
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
            else if (TryParseListItem(entry.Value, out var key, out var name))
            {
                target[key] = name;
            }
            else
            {
                Report(entry, entry.Value, "expected 'key' or 'key=fieldName'");
            }
        }
    }

    private static bool TryParseListItem(string item, out string key, out string name)
    {
        var equals = item.IndexOf('=', StringComparison.Ordinal);
        key = (equals < 0 ? item : item[..equals]).Trim();
        name = equals < 0 ? string.Empty : item[(equals + 1)..].Trim();
        return key.Length > 0 && (equals < 0 || name.Length > 0);
    }

    private static void Report(IConfigurationSection entry, string value, string reason)
        => CorrelationEventSource.Log.InvalidConfiguration(entry.Path, value, reason + "; ignored");

    private static void Restore(TraceContextOptions target, TraceContextOptions source)
    {
        target.Profile = source.Profile;
        target.Fields = source.Fields;
        target.MissingFields = source.MissingFields;
        Copy(source.Names, target.Names);
        Copy(source.Baggage, target.Baggage);
        Copy(source.ResourceFields, target.ResourceFields);
    }

    private static void Copy<TKey>(Dictionary<TKey, string> source, Dictionary<TKey, string> target)
        where TKey : notnull
    {
        target.Clear();
        foreach (var pair in source)
        {
            target[pair.Key] = pair.Value;
        }
    }
}
