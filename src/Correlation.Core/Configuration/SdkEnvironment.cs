using System.Globalization;
using Correlation.Diagnostics;
using Correlation.Trace.Sampling;

namespace Correlation.Configuration;

/// <summary>
/// The one place the tracing SDK reads its environment variables (<c>OTEL_SDK_DISABLED</c>, <c>OTEL_TRACES_SAMPLER</c>
/// and <c>_ARG</c>, <c>OTEL_BSP_*</c>, <c>OTEL_ATTRIBUTE_COUNT_LIMIT</c>, <c>OTEL_SPAN_*_LIMIT</c>, <c>OTEL_EVENT_/LINK_ATTRIBUTE_COUNT_LIMIT</c>). A bad value is reported through self-diagnostics
/// and the default is used; nothing here throws.
/// </summary>
internal sealed class SdkEnvironment
{
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArg = "OTEL_TRACES_SAMPLER_ARG";
    public const string BspMaxQueueSize = "OTEL_BSP_MAX_QUEUE_SIZE";
    public const string BspMaxExportBatchSize = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
    public const string BspScheduleDelay = "OTEL_BSP_SCHEDULE_DELAY";
    public const string BspExportTimeout = "OTEL_BSP_EXPORT_TIMEOUT";
    public const string AttributeCountLimit = "OTEL_ATTRIBUTE_COUNT_LIMIT";
    public const string SpanAttributeCountLimit = "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT";
    public const string SpanEventCountLimit = "OTEL_SPAN_EVENT_COUNT_LIMIT";
    public const string SpanLinkCountLimit = "OTEL_SPAN_LINK_COUNT_LIMIT";
    public const string EventAttributeCountLimit = "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT";
    public const string LinkAttributeCountLimit = "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT";

    private readonly Func<string, string?> _read;

    public SdkEnvironment(Func<string, string?> read) => _read = read;

    /// <summary>The process environment.</summary>
    public static SdkEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary><c>OTEL_SDK_DISABLED</c>: only <c>true</c> (any case) disables; anything else but <c>false</c> warns.</summary>
    public bool IsSdkDisabled()
    {
        var raw = Get(SdkDisabled);
        if (raw is null)
        {
            return false;
        }

        if (raw.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!raw.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            CorrelationEventSource.Log.InvalidConfiguration(SdkDisabled, raw, "expected true or false; the SDK stays enabled");
        }

        return false;
    }

    /// <summary>
    /// The sampler <c>OTEL_TRACES_SAMPLER</c> names (with <c>OTEL_TRACES_SAMPLER_ARG</c> for the ratio ones), or the
    /// default ParentBased(AlwaysOn) when it is unset or unknown.
    /// </summary>
    public Sampler ReadSampler()
    {
        var name = Get(TracesSampler);
        if (name is null)
        {
            return DefaultSampler();
        }

        switch (name.ToLowerInvariant())
        {
            case "always_on":
                return new AlwaysOnSampler();
            case "always_off":
                return new AlwaysOffSampler();
            case "traceidratio":
                return new TraceIdRatioSampler(ReadRatio());
            case "parentbased_always_on":
                return new ParentBasedSampler(new AlwaysOnSampler());
            case "parentbased_always_off":
                return new ParentBasedSampler(new AlwaysOffSampler());
            case "parentbased_traceidratio":
                return new ParentBasedSampler(new TraceIdRatioSampler(ReadRatio()));
            default:
                CorrelationEventSource.Log.InvalidConfiguration(TracesSampler, name, "unknown sampler; using parentbased_always_on");
                return DefaultSampler();
        }
    }

    public int ReadPositiveInt(string name, int defaultValue, int maximum = int.MaxValue) => ReadInt(name, defaultValue, 1, maximum);

    public int ReadNonNegativeInt(string name, int defaultValue) => ReadInt(name, defaultValue, 0, int.MaxValue);

    internal static Sampler DefaultSampler() => new ParentBasedSampler(new AlwaysOnSampler());

    private double ReadRatio()
    {
        var raw = Get(TracesSamplerArg);
        if (raw is null)
        {
            return 1.0;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio >= 0.0 && ratio <= 1.0)
        {
            return ratio;
        }

        CorrelationEventSource.Log.InvalidConfiguration(TracesSamplerArg, raw, "expected a number in [0, 1]; using 1.0");
        return 1.0;
    }

    private int ReadInt(string name, int defaultValue, int minimum, int maximum)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
        {
            return value;
        }

        var expected = maximum == int.MaxValue
            ? "expected an integer >= " + minimum.ToString(CultureInfo.InvariantCulture)
            : "expected an integer from " + minimum.ToString(CultureInfo.InvariantCulture) + " to " + maximum.ToString(CultureInfo.InvariantCulture);
        CorrelationEventSource.Log.InvalidConfiguration(name, raw, expected + "; using " + defaultValue.ToString(CultureInfo.InvariantCulture));
        return defaultValue;
    }

    private string? Get(string name)
    {
        string? raw;
        try
        {
            raw = _read(name);
        }
        catch (System.Security.SecurityException ex)
        {
            CorrelationEventSource.Log.Swallowed("reading " + name, ex);
            return null;
        }

        return string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();
    }
}
