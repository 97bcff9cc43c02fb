using Microsoft.Extensions.Logging;

namespace Correlation.MEL.Tests.Support;

/// <summary>
/// The ways applications write records: source-generated methods and LoggerMessage.Define. This project references
/// Microsoft.Extensions.Telemetry, whose generator replaces MEL's here: both methods below log a
/// <c>LoggerMessageState</c>. MEL's own generator's two shapes are in Correlation.MEL.GeneratedMessages.
/// </summary>
internal static partial class AppLog
{
    public static readonly Action<ILogger, string, int, Exception?> OrderPlacedDefined =
        LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(2, "OrderPlacedDefined"), "Order {OrderId} placed with {Items} items");

    // Under MEL's own generator, up to six parameters would call LoggerMessage.Define...
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} placed with {Items} items")]
    public static partial void OrderPlaced(ILogger logger, string orderId, int items);

    // ...and beyond six it would generate a struct state (see GeneratedLog in Correlation.MEL.GeneratedMessages).
    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Seven {A} {B} {C} {D} {E} {F} {G}")]
    public static partial void Seven(ILogger logger, int a, int b, int c, int d, int e, int f, int g);

    /// <summary>One record of each call shape: a <c>Log*</c> extension, both source-generated shapes and <c>LoggerMessage.Define</c>.</summary>
    public static void WriteEachCallShape(ILogger logger)
    {
        logger.LogInformation("Hello {Name}", "world");
        OrderPlaced(logger, "o-1", 2);
        OrderPlacedDefined(logger, "o-2", 3, null);
        Seven(logger, 1, 2, 3, 4, 5, 6, 7);
    }
}
