using Microsoft.Extensions.Logging;

namespace Correlation.MEL.GeneratedMessages;

/// <summary>
/// Source-generated log methods in both of Microsoft.Extensions.Logging's generator shapes: up to six parameters it
/// calls <c>LoggerMessage.Define</c>; beyond six it generates a struct state of its own.
/// </summary>
public static partial class GeneratedLog
{
    /// <summary>Two parameters: a <c>LoggerMessage.Define</c> state.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="orderId">The order.</param>
    /// <param name="items">The item count.</param>
    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Order {OrderId} shipped with {Items} items")]
    public static partial void OrderShipped(ILogger logger, string orderId, int items);

    /// <summary>Seven parameters: the generator's own struct state.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C.</param>
    /// <param name="d">D.</param>
    /// <param name="e">E.</param>
    /// <param name="f">F.</param>
    /// <param name="g">G.</param>
    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Seven {A} {B} {C} {D} {E} {F} {G}")]
    public static partial void Seven(ILogger logger, int a, int b, int c, int d, int e, int f, int g);
}
