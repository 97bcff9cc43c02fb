using System.Globalization;
using System.Text;

namespace Correlation.Trace;

/// <summary>
/// The immutable set of attributes that describe the entity producing telemetry (<c>service.name</c>,
/// <c>service.version</c>, <c>deployment.environment.name</c>, ...). Build one with <see cref="ResourceBuilder"/>;
/// <see cref="Default"/> is what the environment (<c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>) says.
/// </summary>
public sealed class Resource
{
    /// <summary>The attribute key of the logical service name.</summary>
    public const string ServiceNameKey = "service.name";

    /// <summary>The attribute key of the service version.</summary>
    public const string ServiceVersionKey = "service.version";

    /// <summary>The attribute key of the deployment environment.</summary>
    public const string DeploymentEnvironmentKey = "deployment.environment.name";

    private static Resource? s_default;

    private readonly Dictionary<string, object> _byKey;

    internal Resource(IEnumerable<KeyValuePair<string, object>> attributes)
    {
        _byKey = new Dictionary<string, object>(StringComparer.Ordinal);
        var ordered = new List<KeyValuePair<string, object>>();
        foreach (var pair in attributes)
        {
            if (_byKey.TryAdd(pair.Key, pair.Value))
            {
                ordered.Add(pair);
            }
        }

        Attributes = ordered.AsReadOnly();
    }

    /// <summary>
    /// The resource described by the environment alone, with <c>service.name</c> defaulting to
    /// <c>unknown_service:&lt;process name&gt;</c>. Read once, on first use.
    /// </summary>
    public static Resource Default => s_default ??= new ResourceBuilder().Build();

    /// <summary>The attributes, in the order they were added (code first, then the environment).</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Attributes { get; }

    /// <summary>The value of <c>service.name</c>; never empty.</summary>
    public string ServiceName => GetString(ServiceNameKey) ?? ResourceBuilder.DefaultServiceName;

    /// <summary>Gets an attribute's value, or <see langword="null"/> when the resource does not have it.</summary>
    /// <param name="key">The attribute key, for example <c>service.version</c>.</param>
    /// <returns>The value as it was added (a string, bool, number or array), or <see langword="null"/> when absent.</returns>
    public object? GetAttribute(string key) => _byKey.TryGetValue(key, out var value) ? value : null;

    /// <summary>Gets an attribute's value as text (invariant culture), or <see langword="null"/> when absent.</summary>
    /// <param name="key">The attribute key, for example <c>service.version</c>.</param>
    /// <returns>
    /// The text: a string as is, a bool as <c>true</c>/<c>false</c>, a number in invariant culture, an array's items
    /// joined with <c>,</c>, anything else its <c>ToString</c> (other sequences are not enumerated); <see langword="null"/>
    /// when absent or when that <c>ToString</c> throws (reported). Never throws.
    /// </returns>
    public string? GetString(string key)
    {
        var value = GetAttribute(key);
        try
        {
            return value switch
            {
                null => null,
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),

                // Only arrays are lists, as in the OTLP exporter: any other sequence may be endless or self-containing.
                Array a => Join(a),
                var other => other.ToString(),
            };
        }
        catch (Exception ex)
        {
            // A value is any object given in code; its ToString is user code, read by the log adapters on their path.
            Diagnostics.CorrelationEventSource.Log.Swallowed("Resource attribute " + key, ex);
            return null;
        }
    }

    private static string Join(Array items)
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                text.Append(',');
            }

            text.Append(Convert.ToString(item, CultureInfo.InvariantCulture));
            first = false;
        }

        return text.ToString();
    }

    internal static void ResetDefaultForTests() => s_default = null;
}
