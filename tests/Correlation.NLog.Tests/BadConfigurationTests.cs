using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using NLog;
using NLog.Common;

namespace Correlation.NLog.Tests;

/// <summary>
/// NLog reports configuration errors to its InternalLogger and throws them only when asked to (the process-wide
/// <c>LogManager.ThrowConfigExceptions</c>, or for bad option values also <c>throwConfigExceptions="true"</c> in the
/// XML). Our renderers report the same way as NLog's own. Both switches are process-wide, so these tests run alone.
/// </summary>
[CollectionDefinition(nameof(BadConfigurationTests), DisableParallelization = true)]
public class BadConfigurationGroup;

[Collection(nameof(BadConfigurationTests))]
public class BadConfigurationTests
{
    [Theory]
    [InlineData("${trace-id:format=bogus}")]
    [InlineData("${span-id:format=decimal}")]
    [InlineData("${parent-span-id:format=}")]
    [InlineData("${trace-id:format=5}")]
    [InlineData("${span-id:format=-1}")]
    [InlineData("${parent-span-id:format=2}")]
    public void A_bad_option_value_is_thrown_at_load_when_the_xml_says_throwConfigExceptions(string layout)
    {
        var ex = Assert.ThrowsAny<NLogConfigurationException>(() => NLogHarness.ForLayout(layout, throwConfigExceptions: true).Dispose());
        Assert.Contains("Format", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${trace-id:format=bogus}", "bogus")]
    [InlineData("${trace-id:bogus=1}", "bogus")]
    [InlineData("${baggage}", "${baggage}")]
    [InlineData("${baggage:item=}", "${baggage}")]
    [InlineData("${trace-resource}", "${trace-resource}")]
    [InlineData("${trace-resource:item= }", "${trace-resource}")]
    public void Every_mistake_is_thrown_at_load_when_LogManager_ThrowConfigExceptions_is_on(string layout, string mentioned)
    {
        var previous = LogManager.ThrowConfigExceptions;
        LogManager.ThrowConfigExceptions = true;
        try
        {
            var ex = Assert.ThrowsAny<NLogConfigurationException>(() => NLogHarness.ForLayout(layout, throwConfigExceptions: false).Dispose());
            Assert.Contains(mentioned, ex.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            LogManager.ThrowConfigExceptions = previous;
        }
    }

    [Theory]
    [InlineData("${baggage}", "${baggage}")]
    [InlineData("${baggage:item=}", "${baggage}")]
    [InlineData("${trace-resource}", "${trace-resource}")]
    [InlineData("${trace-resource:item= }", "${trace-resource}")]
    public void Otherwise_a_missing_item_is_reported_to_the_InternalLogger_renders_nothing_and_the_layout_goes_on(string layout, string mentioned)
    {
        using var log = new InternalLog();
        using var nlog = NLogHarness.ForLayout("${message}|" + layout + "|${trace-id}", async: false, throwConfigExceptions: false);
        using var span = NLogHarness.StartSpan();

        var line = nlog.LogOne();

        Assert.Contains(log.Errors, e => e.Contains(mentioned, StringComparison.Ordinal));
        Assert.Equal("hello||4bf92f3577b34da6a3ce929d0e0e4736", line);
    }

    [Fact]
    public void Otherwise_an_unknown_option_is_reported_to_the_InternalLogger_and_ignored_as_NLog_does()
    {
        using var log = new InternalLog();
        using var nlog = NLogHarness.ForLayout("${message}|${trace-id:bogus=1}", async: false, throwConfigExceptions: false);
        using var span = NLogHarness.StartSpan();

        var line = nlog.LogOne();

        Assert.Contains(log.Errors, e => e.Contains("bogus", StringComparison.Ordinal));
        Assert.Equal("hello|4bf92f3577b34da6a3ce929d0e0e4736", line);
    }

    [Theory]
    [InlineData("${trace-id:format=bogus}", "bogus")]
    [InlineData("${trace-id:format=5}", "'5'")]
    public void A_bad_option_value_without_throwing_makes_NLog_keep_the_target_default_layout_and_report_it(string layout, string mentioned)
    {
        using var log = new InternalLog();
        using var nlog = NLogHarness.ForLayout("${message}|" + layout, async: false, throwConfigExceptions: false);

        var line = nlog.LogOne();

        Assert.Contains(log.Errors, e => e.Contains(mentioned, StringComparison.Ordinal));
        Assert.EndsWith("|INFO|test|hello", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_item_is_also_reported_to_the_Correlation_event_source()
    {
        using var listener = new CorrelationListener();
        using var log = new InternalLog();
        using var nlog = NLogHarness.ForLayout("${baggage}", throwConfigExceptions: false);

        Assert.Equal(string.Empty, nlog.LogOne());
        Assert.Contains(listener.Events, e => e.EventName == "InvalidConfiguration" && e.Payload![0] is "${baggage:item}");
    }

    /// <summary>Collects what NLog's InternalLogger reports at Warn and above while alive.</summary>
    private sealed class InternalLog : IDisposable
    {
        private readonly LogLevel _previousLevel = InternalLogger.LogLevel;

        public InternalLog()
        {
            InternalLogger.LogLevel = LogLevel.Warn;
            InternalLogger.InternalEventOccurred += OnEvent;
        }

        public ConcurrentQueue<string> Errors { get; } = new();

        public void Dispose()
        {
            InternalLogger.InternalEventOccurred -= OnEvent;
            InternalLogger.LogLevel = _previousLevel;
        }

        private void OnEvent(object? sender, InternalLogEventArgs e)
        {
            if (e.Level >= LogLevel.Warn)
            {
                Errors.Enqueue(e.Message + " " + e.Exception);
            }
        }
    }

    private sealed class CorrelationListener : EventListener
    {
        public ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Correlation")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => Events.Enqueue(eventData);
    }
}
