using Correlation.Configuration;
using Correlation.Diagnostics;

namespace Correlation.Trace;

/// <summary>
/// Builds a <see cref="Resource"/>. Attributes set in code win over the environment; <c>OTEL_SERVICE_NAME</c> wins
/// over a <c>service.name</c> given in <c>OTEL_RESOURCE_ATTRIBUTES</c>; without either, <c>service.name</c> is
/// <c>unknown_service:&lt;process name&gt;</c>.
/// </summary>
public sealed class ResourceBuilder
{
    private readonly List<KeyValuePair<string, object>> _attributes = new();
    private bool _readEnvironment = true;

    internal static string DefaultServiceName { get; } = "unknown_service:" + CurrentProcessName();

    /// <summary>Sets <c>service.name</c> and, when given, <c>service.version</c> and <c>deployment.environment.name</c>.</summary>
    /// <param name="serviceName">The logical name of the service.</param>
    /// <param name="serviceVersion">The version of the service, or <see langword="null"/>.</param>
    /// <param name="deploymentEnvironment">The deployment environment (e.g. <c>production</c>), or <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder AddService(string serviceName, string? serviceVersion = null, string? deploymentEnvironment = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        Set(Resource.ServiceNameKey, serviceName);
        if (serviceVersion is not null)
        {
            Set(Resource.ServiceVersionKey, serviceVersion);
        }

        if (deploymentEnvironment is not null)
        {
            Set(Resource.DeploymentEnvironmentKey, deploymentEnvironment);
        }

        return this;
    }

    /// <summary>Adds (or replaces) one attribute. Values are strings, booleans, integers, doubles or arrays of those.</summary>
    /// <param name="key">The attribute key.</param>
    /// <param name="value">The attribute value.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder AddAttribute(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Set(key, value is int i ? (long)i : value);
        return this;
    }

    /// <summary>Adds (or replaces) several attributes.</summary>
    /// <param name="attributes">The attributes to add.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder AddAttributes(IEnumerable<KeyValuePair<string, object>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var pair in attributes)
        {
            AddAttribute(pair.Key, pair.Value);
        }

        return this;
    }

    /// <summary>Ignores <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> (they are read by default).</summary>
    /// <returns>This builder.</returns>
    public ResourceBuilder IgnoreEnvironment()
    {
        _readEnvironment = false;
        return this;
    }

    /// <summary>
    /// Builds the resource: code first, then the environment, then the default service name. An empty (or blank)
    /// <c>service.name</c> counts as none: the next source, else the default, gives it (with a warning).
    /// </summary>
    /// <returns>An immutable resource.</returns>
    public Resource Build()
    {
        var all = new List<KeyValuePair<string, object>>(_attributes.Count + 2);
        AddNamed(all, _attributes);
        if (_readEnvironment)
        {
            AddNamed(all, ReadEnvironment());
        }

        all.Add(new KeyValuePair<string, object>(Resource.ServiceNameKey, DefaultServiceName));
        return new Resource(all); // first occurrence of a key wins
    }

    private static void AddNamed(List<KeyValuePair<string, object>> all, List<KeyValuePair<string, object>> pairs)
    {
        foreach (var pair in pairs)
        {
            // Resource.ServiceName is never empty, and an empty name would hide the default from every backend.
            if (pair.Key == Resource.ServiceNameKey && pair.Value is string name && string.IsNullOrWhiteSpace(name))
            {
                CorrelationEventSource.Log.InvalidConfiguration(Resource.ServiceNameKey, name, "an empty service name is ignored; using the next source or " + DefaultServiceName);
                continue;
            }

            all.Add(pair);
        }
    }

    /// <summary>
    /// What the environment says, <c>OTEL_SERVICE_NAME</c> before <c>OTEL_RESOURCE_ATTRIBUTES</c> so that it wins.
    /// A bad <c>OTEL_RESOURCE_ATTRIBUTES</c> is discarded whole, with a self-diagnostic warning.
    /// </summary>
    internal static List<KeyValuePair<string, object>> ReadEnvironment()
    {
        var result = new List<KeyValuePair<string, object>>();
        var serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME");
        if (!string.IsNullOrWhiteSpace(serviceName))
        {
            result.Add(new KeyValuePair<string, object>(Resource.ServiceNameKey, serviceName.Trim()));
        }

        var raw = Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES");
        if (KeyValueListParser.TryParse(raw, out var pairs, out var error))
        {
            foreach (var pair in pairs)
            {
                result.Add(new KeyValuePair<string, object>(pair.Key, pair.Value));
            }
        }
        else
        {
            CorrelationEventSource.Log.InvalidConfiguration("OTEL_RESOURCE_ATTRIBUTES", raw ?? string.Empty, error ?? "invalid");
        }

        return result;
    }

    private void Set(string key, object value)
    {
        _attributes.RemoveAll(p => p.Key == key);
        _attributes.Add(new KeyValuePair<string, object>(key, value));
    }

    private static string CurrentProcessName()
    {
        try
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return process.ProcessName;
        }
        catch (Exception ex) when (ex is InvalidOperationException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
