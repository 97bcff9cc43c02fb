using Correlation.Context;
using System.Collections;
using System.Diagnostics;

namespace Correlation.Propagation;

/// <summary>
/// An immutable W3C baggage list with member properties, as extracted from or injected into a carrier. Hand it to the
/// ambient stores with <see cref="AddTo(Activity)"/> (span-scoped, what ASP.NET Core hosting does) or
/// <see cref="ToOpenTelemetryBaggage"/>; <see cref="Context.TraceBaggage"/> then sees it, and the next injection sends the
/// members again with their properties as long as the application did not change their values.
/// </summary>
public sealed class PropagatedBaggage : IReadOnlyList<BaggageMember>, IEquatable<PropagatedBaggage>
{
    private readonly BaggageMember[] _members;
    private readonly int _count;

    internal PropagatedBaggage(BaggageMember[] members, int count)
    {
        _members = members;
        _count = count;
    }

    /// <summary>The empty baggage.</summary>
    public static PropagatedBaggage Empty { get; } = new([], 0);

    /// <summary>The merged view of the current context (see <see cref="Context.TraceBaggage"/>), with the properties the
    /// members arrived with. Allocates.</summary>
    public static PropagatedBaggage Current => FromActivity(Activity.Current);

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public BaggageMember this[int index] => (uint)index < (uint)_count ? _members[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Creates a baggage list; for duplicate keys the last member wins, in the position of the first.</summary>
    /// <param name="members">The members.</param>
    /// <returns>The baggage.</returns>
    public static PropagatedBaggage Create(IEnumerable<BaggageMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var list = new List<BaggageMember>();
        foreach (var given in members)
        {
            // Properties are remembered against the key and value instances, so a member with properties gets a key of
            // its own (the given one may be shared, for example a key string that extraction reuses), and so does a
            // member without properties whose key and value still carry some (the application removed them).
            var member = given.Properties is null && BaggagePropertiesTable.Lookup(given.Key, given.Value) is null
                ? given
                : new BaggageMember(new string(given.Key.AsSpan()), given.Value, given.Properties);
            var index = list.FindIndex(m => string.Equals(m.Key, member.Key, StringComparison.Ordinal));
            if (index >= 0)
            {
                list[index] = member;
            }
            else
            {
                list.Add(member);
            }

            if (member.Properties is not null)
            {
                BaggagePropertiesTable.Remember(member.Key, member.Value, member.Properties);
            }
        }

        return list.Count == 0 ? Empty : new PropagatedBaggage([.. list], list.Count);
    }

    /// <summary>The merged view seen from <paramref name="activity"/>: OpenTelemetry's <c>Baggage.Current</c> first (it
    /// wins), then the activity chain, innermost first. Allocates.</summary>
    /// <param name="activity">The activity, or <see langword="null"/>.</param>
    /// <returns>The baggage.</returns>
    public static PropagatedBaggage FromActivity(Activity? activity)
    {
        // The one merge rule (OpenTelemetry's Baggage.Current first, then the Activity chain, each key once) is TraceBaggage's.
        var items = TraceBaggage.GetAll(activity);
        if (items.Count == 0)
        {
            return Empty;
        }

        var members = new BaggageMember[items.Count];
        for (var i = 0; i < members.Length; i++)
        {
            var (key, value) = items[i];
            members[i] = new BaggageMember(key, value, BaggagePropertiesTable.Lookup(key, value));
        }

        return new PropagatedBaggage(members, members.Length);
    }

    /// <summary>Gets the value of a key, or <see langword="null"/>.</summary>
    /// <param name="key">The key (ordinal comparison).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetValue(string key)
    {
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_members[i].Key, key, StringComparison.Ordinal))
            {
                return _members[i].Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds the members to <paramref name="activity"/>'s baggage, so that they live as long as the span and
    /// <see cref="Activity.Baggage"/> lists them in this order. Never throws.
    /// </summary>
    /// <param name="activity">The activity.</param>
    public void AddTo(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        // Activity.AddBaggage puts each item in front, so add from the last to keep the wire order.
        for (var i = _count - 1; i >= 0; i--)
        {
            activity.AddBaggage(_members[i].Key, _members[i].Value);
        }
    }

    /// <summary>The members as an OpenTelemetry <c>Baggage</c> (values only: OpenTelemetry keeps no properties, but the
    /// propagators of this library find them again when the values are unchanged).</summary>
    /// <returns>The baggage.</returns>
    public OpenTelemetry.Baggage ToOpenTelemetryBaggage()
    {
        if (_count == 0)
        {
            return default;
        }

        var items = new Dictionary<string, string>(_count, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            items[_members[i].Key] = _members[i].Value;
        }

        return OpenTelemetry.Baggage.Create(items);
    }

    /// <summary>The W3C header value for these members (percent-encoded, limits applied), or an empty string.</summary>
    /// <returns>The header value.</returns>
    public override string ToString()
    {
        var writer = new BaggageWriter(stackalloc char[128]);
        for (var i = 0; i < _count; i++)
        {
            writer.Add(_members[i].Key, _members[i].Value, _members[i].Properties);
        }

        return writer.Complete() ?? string.Empty;
    }

    /// <inheritdoc/>
    public bool Equals(PropagatedBaggage? other)
    {
        if (other is null || other._count != _count)
        {
            return false;
        }

        for (var i = 0; i < _count; i++)
        {
            if (!_members[i].Equals(other._members[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PropagatedBaggage);

    /// <inheritdoc/>
    public override int GetHashCode() => _count;

    /// <summary>Enumerates the members without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<BaggageMember> IEnumerable<BaggageMember>.GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _members[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<BaggageMember>)this).GetEnumerator();

    internal ReadOnlySpan<BaggageMember> AsSpan() => _members.AsSpan(0, _count);

    /// <summary>An allocation-free enumerator over the members.</summary>
    public struct Enumerator
    {
        private readonly PropagatedBaggage _baggage;
        private int _index;

        internal Enumerator(PropagatedBaggage baggage)
        {
            _baggage = baggage;
            _index = -1;
        }

        /// <summary>The current member.</summary>
        public readonly BaggageMember Current => _baggage._members[_index];

        /// <summary>Moves to the next member.</summary>
        /// <returns>Whether there is one.</returns>
        public bool MoveNext() => ++_index < _baggage._count;
    }
}
