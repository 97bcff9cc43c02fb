using Correlation.Configuration;
using Correlation.Trace;
using Correlation.Trace.Processing;
using Correlation.Trace.Sampling;

namespace Correlation.Core.Tests.Trace;

public class SdkEnvironmentTests
{
    private static SdkEnvironment With(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return new SdkEnvironment(name => map.TryGetValue(name, out var value) ? value : null);
    }

    [Theory]
    [InlineData("always_on", typeof(AlwaysOnSampler))]
    [InlineData("ALWAYS_OFF", typeof(AlwaysOffSampler))]
    [InlineData("TraceIdRatio", typeof(TraceIdRatioSampler))]
    [InlineData("parentbased_always_on", typeof(ParentBasedSampler))]
    [InlineData("parentbased_always_off", typeof(ParentBasedSampler))]
    [InlineData("parentbased_traceidratio", typeof(ParentBasedSampler))]
    public void OTEL_TRACES_SAMPLER_names_each_sampler_case_insensitively(string value, Type expected)
        => Assert.IsType(expected, With((SdkEnvironment.TracesSampler, value)).ReadSampler());

    [Fact]
    public void Parent_based_variants_have_the_right_root()
    {
        var on = Assert.IsType<ParentBasedSampler>(With((SdkEnvironment.TracesSampler, "parentbased_always_on")).ReadSampler());
        var off = Assert.IsType<ParentBasedSampler>(With((SdkEnvironment.TracesSampler, "parentbased_always_off")).ReadSampler());
        var ratio = Assert.IsType<ParentBasedSampler>(With(
            (SdkEnvironment.TracesSampler, "parentbased_traceidratio"), (SdkEnvironment.TracesSamplerArg, "0.25")).ReadSampler());
        Assert.IsType<AlwaysOnSampler>(on.Root);
        Assert.IsType<AlwaysOffSampler>(off.Root);
        Assert.Equal(0.25, Assert.IsType<TraceIdRatioSampler>(ratio.Root).Ratio);
    }

    [Fact]
    public void Unset_sampler_is_parent_based_always_on()
    {
        var sampler = Assert.IsType<ParentBasedSampler>(With().ReadSampler());
        Assert.IsType<AlwaysOnSampler>(sampler.Root);
        Assert.True(sampler.HasDefaultParentDelegates);
    }

    [Fact]
    public void Unknown_sampler_warns_and_uses_the_default()
    {
        using var capture = new DiagnosticsCapture();
        var sampler = Assert.IsType<ParentBasedSampler>(With((SdkEnvironment.TracesSampler, "sometimes_on")).ReadSampler());
        Assert.IsType<AlwaysOnSampler>(sampler.Root);
        Assert.True(capture.Has("InvalidConfiguration", "OTEL_TRACES_SAMPLER", "sometimes_on"));
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData(" 0.75 ", 0.75)]
    [InlineData("0", 0.0)]
    [InlineData("1", 1.0)]
    public void The_ratio_argument_is_read(string arg, double expected)
    {
        var sampler = With((SdkEnvironment.TracesSampler, "traceidratio"), (SdkEnvironment.TracesSamplerArg, arg)).ReadSampler();
        Assert.Equal(expected, Assert.IsType<TraceIdRatioSampler>(sampler).Ratio);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("half")]
    [InlineData("0,5")]
    [InlineData("NaN")]
    public void A_bad_ratio_argument_warns_and_uses_one(string arg)
    {
        using var capture = new DiagnosticsCapture();
        var sampler = With((SdkEnvironment.TracesSampler, "traceidratio"), (SdkEnvironment.TracesSamplerArg, arg)).ReadSampler();
        Assert.Equal(1.0, Assert.IsType<TraceIdRatioSampler>(sampler).Ratio);
        Assert.True(capture.Has("InvalidConfiguration", "OTEL_TRACES_SAMPLER_ARG", arg));
    }

    [Fact]
    public void Missing_ratio_argument_means_one()
        => Assert.Equal(1.0, Assert.IsType<TraceIdRatioSampler>(With((SdkEnvironment.TracesSampler, "traceidratio")).ReadSampler()).Ratio);

    [Fact]
    public void The_ratio_argument_is_ignored_without_a_ratio_sampler()
    {
        using var capture = new DiagnosticsCapture();
        var arg = "not-a-number-" + Guid.NewGuid().ToString("N");
        Assert.IsType<AlwaysOnSampler>(With((SdkEnvironment.TracesSampler, "always_on"), (SdkEnvironment.TracesSamplerArg, arg)).ReadSampler());
        Assert.False(capture.Has("InvalidConfiguration", arg));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void OTEL_SDK_DISABLED_is_true_only_for_true(string value, bool disabled)
        => Assert.Equal(disabled, With((SdkEnvironment.SdkDisabled, value)).IsSdkDisabled());

    [Theory]
    [InlineData("1")]
    [InlineData("yes")]
    public void OTEL_SDK_DISABLED_with_another_value_warns_and_keeps_the_sdk_on(string value)
    {
        using var capture = new DiagnosticsCapture();
        Assert.False(With((SdkEnvironment.SdkDisabled, value)).IsSdkDisabled());
        Assert.True(capture.Has("InvalidConfiguration", "OTEL_SDK_DISABLED", value));
    }

    [Fact]
    public void Batch_options_default_to_the_specification_values()
    {
        var options = new BatchSpanProcessorOptions(With());
        Assert.Equal(2048, options.MaxQueueSize);
        Assert.Equal(512, options.MaxExportBatchSize);
        Assert.Equal(5000, options.ScheduledDelayMilliseconds);
        Assert.Equal(30000, options.ExporterTimeoutMilliseconds);
    }

    [Fact]
    public void Batch_options_are_read_from_OTEL_BSP_variables()
    {
        var options = new BatchSpanProcessorOptions(With(
            (SdkEnvironment.BspMaxQueueSize, "100"),
            (SdkEnvironment.BspMaxExportBatchSize, "10"),
            (SdkEnvironment.BspScheduleDelay, "250"),
            (SdkEnvironment.BspExportTimeout, "0")));
        Assert.Equal(100, options.MaxQueueSize);
        Assert.Equal(10, options.MaxExportBatchSize);
        Assert.Equal(250, options.ScheduledDelayMilliseconds);
        Assert.Equal(0, options.ExporterTimeoutMilliseconds);
    }

    [Theory]
    [InlineData(SdkEnvironment.BspMaxQueueSize, "0", 2048)]
    [InlineData(SdkEnvironment.BspMaxQueueSize, "lots", 2048)]
    [InlineData(SdkEnvironment.BspMaxExportBatchSize, "-5", 512)]
    [InlineData(SdkEnvironment.BspMaxExportBatchSize, "99999999999", 512)]
    [InlineData(SdkEnvironment.BspScheduleDelay, "5s", 5000)]
    [InlineData(SdkEnvironment.BspScheduleDelay, "0", 5000)]
    [InlineData(SdkEnvironment.BspExportTimeout, "-1", 30000)]
    [InlineData(SdkEnvironment.BspExportTimeout, "1.5", 30000)]
    public void A_bad_OTEL_BSP_value_warns_and_uses_the_default(string variable, string value, int expected)
    {
        using var capture = new DiagnosticsCapture();
        var options = new BatchSpanProcessorOptions(With((variable, value)));
        var actual = variable switch
        {
            SdkEnvironment.BspMaxQueueSize => options.MaxQueueSize,
            SdkEnvironment.BspMaxExportBatchSize => options.MaxExportBatchSize,
            SdkEnvironment.BspScheduleDelay => options.ScheduledDelayMilliseconds,
            _ => options.ExporterTimeoutMilliseconds,
        };
        Assert.Equal(expected, actual);
        Assert.True(capture.Has("InvalidConfiguration", variable, value));
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("1073741825")]
    public void A_queue_size_too_large_to_allocate_warns_and_uses_the_default_instead_of_failing_the_build(string value)
    {
        using var capture = new DiagnosticsCapture();
        var options = new BatchSpanProcessorOptions(With((SdkEnvironment.BspMaxQueueSize, value)));

        Assert.Equal(2048, options.MaxQueueSize);
        Assert.True(capture.Has("InvalidConfiguration", SdkEnvironment.BspMaxQueueSize, value));
        new BatchSpanProcessor(new ScriptedExporter(), options).Dispose();

        // Set in code, the same value is a configuration error with a clear exception, not an overflow or out-of-memory.
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchSpanProcessor(new ScriptedExporter(), new BatchSpanProcessorOptions(With()) { MaxQueueSize = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public void Span_limits_are_read_from_OTEL_SPAN_and_event_and_link_variables()
    {
        var limits = new SpanLimits(With(
            (SdkEnvironment.SpanAttributeCountLimit, "5"),
            (SdkEnvironment.SpanEventCountLimit, "6"),
            (SdkEnvironment.SpanLinkCountLimit, "7"),
            (SdkEnvironment.EventAttributeCountLimit, "8"),
            (SdkEnvironment.LinkAttributeCountLimit, "bad")));
        Assert.Equal(5, limits.AttributeCountLimit);
        Assert.Equal(6, limits.EventCountLimit);
        Assert.Equal(7, limits.LinkCountLimit);
        Assert.Equal(8, limits.AttributePerEventCountLimit);
        Assert.Equal(128, limits.AttributePerLinkCountLimit);
    }

    [Fact]
    public void OTEL_ATTRIBUTE_COUNT_LIMIT_bounds_span_event_and_link_attributes_unless_their_own_variable_is_set()
    {
        var general = new SpanLimits(With(("OTEL_ATTRIBUTE_COUNT_LIMIT", "3")));
        Assert.Equal(3, general.AttributeCountLimit);
        Assert.Equal(3, general.AttributePerEventCountLimit);
        Assert.Equal(3, general.AttributePerLinkCountLimit);
        Assert.Equal(128, general.EventCountLimit);
        Assert.Equal(128, general.LinkCountLimit);

        var specific = new SpanLimits(With(
            ("OTEL_ATTRIBUTE_COUNT_LIMIT", "3"),
            (SdkEnvironment.SpanAttributeCountLimit, "5"),
            (SdkEnvironment.EventAttributeCountLimit, "0"),
            (SdkEnvironment.LinkAttributeCountLimit, "bad")));
        Assert.Equal(5, specific.AttributeCountLimit);
        Assert.Equal(0, specific.AttributePerEventCountLimit);
        Assert.Equal(3, specific.AttributePerLinkCountLimit);

        Assert.Equal(128, new SpanLimits(With(("OTEL_ATTRIBUTE_COUNT_LIMIT", "-1"))).AttributeCountLimit);
    }

    [Fact]
    public void A_reader_that_throws_a_security_exception_means_unset()
    {
        var environment = new SdkEnvironment(_ => throw new System.Security.SecurityException("no access"));
        Assert.False(environment.IsSdkDisabled());
        Assert.IsType<ParentBasedSampler>(environment.ReadSampler());
    }
}
