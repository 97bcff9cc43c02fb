using System.Globalization;
using Correlation.Context;

namespace Correlation.Serilog.Configuration;

/// <summary>
/// Turns the plain arguments of the configuration-file overload (strings, string arrays, a string map, a bool: what
/// Serilog.Settings.Configuration binds) into <see cref="TraceContextOptions"/>. Configuration code: every bad value
/// throws an <see cref="ArgumentException"/> that names the argument and the values it accepts.
/// </summary>
internal static class TraceContextSettings
{
    private static readonly string ProfileNames = string.Join(", ", Enum.GetNames<TraceFieldProfile>());

    public static TraceContextOptions ToOptions(
        string? profile,
        string? fields,
        IReadOnlyDictionary<string, string>? baggage,
        IReadOnlyDictionary<string, string>? resource,
        IReadOnlyDictionary<string, string>? names,
        bool writeEmpty)
    {
        var options = new TraceContextOptions
        {
            Profile = ParseProfile(profile),
            Fields = string.IsNullOrWhiteSpace(fields) ? null : ParseFields(fields, nameof(fields)),
            MissingFields = writeEmpty ? MissingFieldBehavior.WriteEmpty : MissingFieldBehavior.Omit,
        };

        foreach (var (key, name) in ParseList(baggage, nameof(baggage)))
        {
            options.IncludeBaggage(key, name);
        }

        foreach (var (key, name) in ParseList(resource, nameof(resource)))
        {
            options.IncludeResource(key, name);
        }

        if (names is not null)
        {
            foreach (var pair in names)
            {
                var field = ParseFields(pair.Key, nameof(names));
                if (!TraceContextOptionsText.IsSingleField(field))
                {
                    throw new ArgumentException($"'{pair.Key}' in names must be one span field: {TraceContextOptionsText.FieldNames}.", nameof(names));
                }

                if (string.IsNullOrWhiteSpace(pair.Value))
                {
                    throw new ArgumentException($"names: the name for {pair.Key} is empty.", nameof(names));
                }

                options.Names[field] = pair.Value.Trim();
            }
        }

        return options;
    }

    private static TraceFieldProfile ParseProfile(string? profile)
    {
        if (string.IsNullOrWhiteSpace(profile))
        {
            return TraceFieldProfile.OpenTelemetry;
        }

        if (TraceContextOptionsText.TryParseName<TraceFieldProfile>(profile, out var parsed))
        {
            return parsed;
        }

        throw new ArgumentException($"Unknown trace context profile '{profile}'; expected one of: {ProfileNames}.", nameof(profile));
    }

    private static TraceFields ParseFields(string text, string argument)
    {
        if (TraceContextOptionsText.TryParseFields(text, out var fields, out var badPart))
        {
            return fields;
        }

        throw new ArgumentException(
            $"Unknown trace field '{badPart}' in {argument}; expected a comma-separated list of: {TraceContextOptionsText.FieldNames}.", argument);
    }

    /// <summary>
    /// An allow-list in either form (see the overload's docs): a list, which configuration hands over keyed 0, 1, 2...
    /// (the rule MEL's section reader applies too), or an object of key to field name.
    /// </summary>
    private static List<(string Key, string? Name)> ParseList(IReadOnlyDictionary<string, string>? items, string argument)
    {
        var result = new List<(string, string?)>();
        if (items is null)
        {
            return result;
        }

        var isList = true;
        foreach (var key in items.Keys)
        {
            isList &= int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }

        if (!isList)
        {
            foreach (var pair in items)
            {
                if (string.IsNullOrWhiteSpace(pair.Key))
                {
                    throw new ArgumentException($"{argument} contains an empty key; expected an object of key to field name.", argument);
                }

                result.Add((pair.Key.Trim(), pair.Value?.Trim() ?? string.Empty));
            }

            return result;
        }

        foreach (var item in items.Values)
        {
            if (string.IsNullOrWhiteSpace(item))
            {
                throw new ArgumentException($"{argument} contains an empty entry; expected 'key' or 'key=fieldName'.", argument);
            }

            if (!TraceContextOptionsText.TryParseListItem(item, out var key, out var name))
            {
                throw new ArgumentException($"{argument} entry '{item}' is not 'key' or 'key=fieldName'.", argument);
            }

            result.Add((key, name));
        }

        return result;
    }
}
