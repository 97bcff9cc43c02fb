using Microsoft.Extensions.Logging;

namespace Correlation.MEL.Tests.Support;

/// <summary>The ways applications write records: source-generated methods (both generator shapes) and LoggerMessage.Define.</summary>
internal static partial class AppLog
{
    public static readonly Action<ILogger, string, int, Exception?> OrderPlacedDefined =
        LoggerMessage.Define<string, int>(LogLevel.Information, new EventId(2, "OrderPlacedDefined"), "Order {OrderId} placed with {Items} items");

    // Up to six parameters the generator calls LoggerMessage.Define (a class state)...
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order {OrderId} placed with {Items} items")]
    public static partial void OrderPlaced(ILogger logger, string orderId, int items);

    // ...beyond six it generates its own struct state.
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
