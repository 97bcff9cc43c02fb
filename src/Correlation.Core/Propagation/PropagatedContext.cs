using System.Diagnostics;

namespace Correlation.Propagation;

/// <summary>What crosses a process boundary: the span context (<c>traceparent</c>, <c>tracestate</c>) and the baggage.</summary>
public readonly struct PropagatedContext : IEquatable<PropagatedContext>
{
    private readonly PropagatedBaggage? _baggage;

    /// <summary>Creates a context.</summary>
    /// <param name="activityContext">The span context; <see langword="default"/> when there is none.</param>
    /// <param name="baggage">The baggage, or <see langword="null"/> for none.</param>
    public PropagatedContext(ActivityContext activityContext, PropagatedBaggage? baggage = null)
    {
        ActivityContext = activityContext;
        _baggage = baggage is { Count: > 0 } ? baggage : null;
    }

    /// <summary>The span context; its trace id is <see langword="default"/> when there is none.</summary>
    public ActivityContext ActivityContext { get; }

    /// <summary>The baggage (never <see langword="null"/>; <see cref="PropagatedBaggage.Empty"/> when there is none).</summary>
    public PropagatedBaggage Baggage => _baggage ?? PropagatedBaggage.Empty;

    /// <summary>Whether the span context is valid (non-zero trace and span ids).</summary>
    public bool HasValidActivityContext => ActivityContext.TraceId != default && ActivityContext.SpanId != default;

    /// <summary>The context of <see cref="Activity.Current"/> and the merged baggage view (<see cref="PropagatedBaggage.Current"/>).</summary>
    public static PropagatedContext Current
    {
        get
        {
            var activity = Activity.Current;
            // The random flag belongs to the trace id; .NET drops it on spans under a local parent (see InjectCurrent).
            var context = activity is null ? default : TraceContextFormat.WithInheritedRandomFlag(activity.Context, activity);
            return new PropagatedContext(context, PropagatedBaggage.FromActivity(activity));
        }
    }

    /// <inheritdoc/>
    public bool Equals(PropagatedContext other) => ActivityContext == other.ActivityContext && Baggage.Equals(other.Baggage);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PropagatedContext other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ActivityContext, Baggage.Count);

    /// <summary>Compares two contexts.</summary>
    /// <param name="left">The first context.</param>
    /// <param name="right">The second context.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(PropagatedContext left, PropagatedContext right) => left.Equals(right);

    /// <summary>Compares two contexts.</summary>
    /// <param name="left">The first context.</param>
    /// <param name="right">The second context.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(PropagatedContext left, PropagatedContext right) => !left.Equals(right);
}
