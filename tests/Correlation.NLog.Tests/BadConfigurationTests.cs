using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using NLog;
using NLog.Common;

namespace Correlation.NLog.Tests;

/// <summary>NLog's InternalLogger is process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(BadConfigurationTests), DisableParallelization = true)]
public class BadConfigurationGroup;

[Collection(nameof(BadConfigurationTests))]
public class BadConfigurationTests
{
    [Theory]
    [InlineData("${trace-id:format=bogus}")]
    [InlineData("${span-id:format=decimal}")]
    [InlineData("${trace-id:bogus=1}")]
    [InlineData("${baggage}")]
    [InlineData("${baggage:item=}")]
    [InlineData("${trace-resource}")]
    public void Is_thrown_as_an_NLogConfigurationException_when_ThrowConfigExceptions_is_on(string layout)
    {
        var ex = Assert.ThrowsAny<NLogConfigurationException>(() => NLogHarness.ForLayout(layout, throwConfigExceptions: true).Dispose());
        Assert.NotNull(ex.Message);
    }

    [Theory]
    [InlineData("${trace-id:format=bogus}", "bogus")]
    [InlineData("${baggage}", "baggage")]
    [InlineData("${trace-resource:item= }", "trace-resource")]
    public void Is_reported_to_the_InternalLogger_and_logging_goes_on_when_ThrowConfigExceptions_is_off(string layout, string mentioned)
    {
        var errors = new ConcurrentQueue<string>();
        void OnEvent(object? sender, InternalLogEventArgs e)
        {
            if (e.Level >= LogLevel.Warn)
            {
                errors.Enqueue(e.Message + " " + e.Exception?.Message);
            }
        }

        var previousLevel = InternalLogger.LogLevel;
        InternalLogger.LogLevel = LogLevel.Warn;
        InternalLogger.InternalEventOccurred += OnEvent;
        try
        {
            using var nlog = NLogHarness.ForLayout("${message}|" + layout + "|${trace-id}", async: false, throwConfigExceptions: false);
            using var span = NLogHarness.StartSpan();

            var line = nlog.LogOne();

            Assert.Contains(errors, e => e.Contains(mentioned, StringComparison.Ordinal));
            Assert.StartsWith("hello|", line, StringComparison.Ordinal);
            Assert.EndsWith("|4bf92f3577b34da6a3ce929d0e0e4736", line, StringComparison.Ordinal);
        }
        finally
        {
            InternalLogger.InternalEventOccurred -= OnEvent;
            InternalLogger.LogLevel = previousLevel;
        }
    }

    [Fact]
    public void A_missing_item_is_also_reported_to_the_Correlation_event_source()
    {
        using var listener = new CorrelationListener();
        Assert.ThrowsAny<NLogConfigurationException>(() => NLogHarness.ForLayout("${baggage}").Dispose());

        Assert.Contains(listener.Events, e => e.EventName == "InvalidConfiguration" && e.Payload![0] is "${baggage:item}");
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
