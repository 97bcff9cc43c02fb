using Correlation.Diagnostics;
using OpenTelemetry.Context;

namespace Correlation.Context;

/// <summary>
/// Makes an OpenTelemetry baggage current in this flow alone, and puts back what was there. OpenTelemetry keeps
/// <c>Baggage.Current</c> in a mutable holder in its <c>otel.baggage</c> runtime-context slot, shared by every flow
/// forked after the holder was made: setting <c>Baggage.Current</c> writes into that holder, so the parent flow and its
/// other children would see the restored baggage too. Instead the slot is emptied in this flow first (an
/// <see cref="System.Threading.AsyncLocal{T}"/> write, local to the flow), so the set makes a holder of this flow's own,
/// and the previous holder itself is put back afterwards. When the slot cannot be reached this way (another OpenTelemetry
/// version or context slot type), the baggage is set and put back by value, as before.
/// </summary>
internal static class BaggageScope
{
    private const string SlotName = "otel.baggage";
    private const string Component = "Correlation.Context.BaggageScope";

    private static bool s_slotUnusable;

    /// <summary>Makes <paramref name="baggage"/> current in this flow; returns what <see cref="Exit"/> needs to undo it.</summary>
    public static Previous Enter(OpenTelemetry.Baggage baggage)
    {
        var previous = OpenTelemetry.Baggage.Current;
        if (!Volatile.Read(ref s_slotUnusable))
        {
            try
            {
                var holder = RuntimeContext.GetValue(SlotName);
                RuntimeContext.SetValue(SlotName, null);
                OpenTelemetry.Baggage.Current = baggage;
                return new Previous(previous, holder, bySlot: true);
            }
            catch (Exception ex)
            {
                Volatile.Write(ref s_slotUnusable, true);
                CorrelationEventSource.Log.Swallowed(Component, ex);
            }
        }

        OpenTelemetry.Baggage.Current = baggage;
        return new Previous(previous, null, bySlot: false);
    }

    /// <summary>Puts back what was current before <see cref="Enter"/>.</summary>
    public static void Exit(in Previous previous)
    {
        if (previous.BySlot)
        {
            try
            {
                RuntimeContext.SetValue(SlotName, previous.Holder);
                return;
            }
            catch (Exception ex)
            {
                Volatile.Write(ref s_slotUnusable, true);
                CorrelationEventSource.Log.Swallowed(Component, ex);
            }
        }

        OpenTelemetry.Baggage.Current = previous.Baggage;
    }

    /// <summary>What was current before: the baggage, and the holder object of the slot when it was reached.</summary>
    internal readonly struct Previous(OpenTelemetry.Baggage baggage, object? holder, bool bySlot)
    {
        public OpenTelemetry.Baggage Baggage { get; } = baggage;

        public object? Holder { get; } = holder;

        public bool BySlot { get; } = bySlot;
    }
}
