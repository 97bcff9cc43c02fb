using System.Globalization;
using System.Text.Json;
using Correlation.Demo.Terminal;

namespace Correlation.Demo.Logging;

/// <summary>
/// Reads a log record back from a framework's JSON output: Serilog's compact JSON (<c>@t</c>, <c>@l</c>, <c>@m</c>),
/// NLog's <c>JsonLayout</c> (<c>time</c>, <c>level</c>, <c>logger</c>, <c>message</c>) or the Microsoft.Extensions.Logging
/// JSON console formatter (<c>Timestamp</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>, <c>State</c>, <c>Scopes</c>).
/// The correlation fields are looked up under the names Correlation writes (<see cref="DemoFields"/>) at the top level,
/// in <c>State</c> and in every scope: wherever the adapter put them.
/// </summary>
internal static class LogRecordParser
{
    /// <summary>Parses one JSON line.</summary>
    /// <param name="line">The captured line.</param>
    /// <returns>The record, or null when the line is not a JSON object.</returns>
    public static LogLineView? Parse(CapturedLogLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.Json);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var (time, level, category, message) = line.Framework switch
            {
                LogFrameworks.Serilog => (Text(root, "@t"), Text(root, "@l") ?? "Information", Text(root, "SourceContext"), Text(root, "@m")),
                LogFrameworks.NLog => (Text(root, "time"), Text(root, "level"), Text(root, "logger"), Text(root, "message")),
                _ => (Text(root, "Timestamp"), Text(root, "LogLevel"), Text(root, "Category"), Text(root, "Message")),
            };

            var timestamp = time is not null && DateTime.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : DateTime.MinValue;

            return new LogLineView(
                line.Framework,
                timestamp,
                NormalizeLevel(level),
                category ?? string.Empty,
                message ?? string.Empty,
                NonEmpty(Field(root, DemoFields.TraceId)),
                NonEmpty(Field(root, DemoFields.SpanId)),
                NonEmpty(Field(root, DemoFields.Tenant)));
        }
    }

    /// <summary>Maps each framework's level names onto one set: TRACE, DEBUG, INFO, WARN, ERROR, FATAL.</summary>
    /// <param name="level">The framework's level name.</param>
    /// <returns>The short name.</returns>
    public static string NormalizeLevel(string? level) => level?.ToUpperInvariant() switch
    {
        "VERBOSE" or "TRACE" => "TRACE",
        "DEBUG" => "DEBUG",
        "INFORMATION" or "INFO" => "INFO",
        "WARNING" or "WARN" => "WARN",
        "ERROR" => "ERROR",
        "FATAL" or "CRITICAL" => "FATAL",
        null => "INFO",
        var other => other,
    };

    private static string? Field(JsonElement root, string name)
    {
        if (Text(root, name) is { } top)
        {
            return top;
        }

        if (root.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.Object && Text(state, name) is { } inState)
        {
            return inState;
        }

        if (root.TryGetProperty("Scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array)
        {
            foreach (var scope in scopes.EnumerateArray())
            {
                if (scope.ValueKind == JsonValueKind.Object && Text(scope, name) is { } inScope)
                {
                    return inScope;
                }
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
