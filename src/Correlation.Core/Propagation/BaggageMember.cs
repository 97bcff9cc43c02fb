namespace Correlation.Propagation;

/// <summary>One W3C baggage list member: a key, its decoded value and its properties (the text after the first <c>;</c>).</summary>
public readonly struct BaggageMember : IEquatable<BaggageMember>
{
    // Fields, not auto-properties: default(BaggageMember) skips the constructor, and its key and value must still be
    // the empty strings the API promises (a null key breaks Activity.Baggage and OpenTelemetry's Baggage).
    private readonly string? _key;
    private readonly string? _value;

    /// <summary>Creates a member.</summary>
    /// <param name="key">The key, an RFC 7230 token (members with other keys are not sent).</param>
    /// <param name="value">The value, unencoded; it is percent-encoded as UTF-8 when sent.</param>
    /// <param name="properties">The properties as they appear on the wire after the first <c>;</c> (for example
    /// <c>ttl=60;secret</c>), or <see langword="null"/>.</param>
    public BaggageMember(string key, string value, string? properties = null)
    {
        _key = key;
        _value = value;
        Properties = string.IsNullOrEmpty(properties) ? null : properties;
    }

    /// <summary>The key (empty for a default member).</summary>
    public string Key => _key ?? string.Empty;

    /// <summary>The decoded value (empty for a default member).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The properties (<c>k=v;flag</c>, without the leading <c>;</c>), or <see langword="null"/>.</summary>
    public string? Properties { get; }

    /// <inheritdoc/>
    public bool Equals(BaggageMember other)
        => string.Equals(Key, other.Key, StringComparison.Ordinal) && string.Equals(Value, other.Value, StringComparison.Ordinal)
        && string.Equals(Properties, other.Properties, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BaggageMember other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, Value, Properties);

    /// <summary>The member as <c>key=value;properties</c> (the value not encoded).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Properties is null ? Key + "=" + Value : Key + "=" + Value + ";" + Properties;

    /// <summary>Compares two members by key, value and properties.</summary>
    /// <param name="left">The first member.</param>
    /// <param name="right">The second member.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(BaggageMember left, BaggageMember right) => left.Equals(right);

    /// <summary>Compares two members by key, value and properties.</summary>
    /// <param name="left">The first member.</param>
    /// <param name="right">The second member.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(BaggageMember left, BaggageMember right) => !left.Equals(right);
}
