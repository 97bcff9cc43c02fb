using System.Diagnostics;
using Correlation.Context;
using Correlation.Diagnostics;

namespace Correlation.Propagation;

/// <summary>Writes the <c>baggage</c> header: at most 64 members and 8192 bytes, dropping whole members (SPEC 9).</summary>
internal ref struct BaggageWriter : BaggageMerge.ISink
{
    private CharBuffer _buffer;
    private int _members;
    private int _dropped;

    public BaggageWriter(Span<char> initial)
    {
        _buffer = new CharBuffer(initial);
        _members = 0;
        _dropped = 0;
    }

    public void Add(string? key, string? value, string? properties)
    {
        if (key is null || value is null)
        {
            return;
        }

        // The encoded member (after a ',' unless it is the first) is never shorter than key + '=' + value: skip the
        // encoding work when that is already too long.
        if (_members == BaggageFormat.MaxMembers || !BaggageFormat.IsToken(key)
            || _buffer.Length + (_buffer.Length > 0 ? 2 : 1) + key.Length + value.Length > BaggageFormat.MaxBytes)
        {
            _dropped++;
            return;
        }

        var mark = _buffer.Length;
        if (mark > 0)
        {
            _buffer.Append(',');
        }

        _buffer.Append(key);
        _buffer.Append('=');
        BaggageFormat.AppendEncoded(ref _buffer, value);
        if (properties is not null && BaggageFormat.IsSendableProperties(properties))
        {
            _buffer.Append(';');
            _buffer.Append(properties);
        }

        if (_buffer.Length > BaggageFormat.MaxBytes)
        {
            _buffer.Length = mark;
            _dropped++;
            return;
        }

        _members++;
    }

    /// <summary>Adds the merged view of <see cref="Context.TraceBaggage"/> (the walk is <see cref="BaggageMerge"/>'s, shared
    /// with <see cref="Context.TraceBaggage.GetAll(Activity?)"/>); properties found again by <see cref="BaggagePropertiesTable"/>.</summary>
    public void AddCurrent(OpenTelemetry.Baggage baggage, Activity? activity) => BaggageMerge.Walk(baggage, activity, ref this);

    /// <summary>One visible item of the merged view; a member beyond the limits is dropped and counted by <see cref="Add"/>.</summary>
    void BaggageMerge.ISink.Visible(string key, string value) => Add(key, value, BaggagePropertiesTable.Lookup(key, value));

    public void Dispose() => _buffer.Dispose();

    public string? Complete()
    {
        if (_dropped > 0 && CorrelationEventSource.Log.IsEnabled())
        {
            CorrelationEventSource.Log.Dropped(BaggageFormat.Component, _dropped, "baggage members beyond 64 members / 8192 bytes, or with an invalid key");
        }

        var result = _buffer.Length == 0 ? null : new string(_buffer.Written);
        _buffer.Dispose();
        return result;
    }
}
