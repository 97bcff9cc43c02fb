namespace Correlation.Context;

/// <summary>What a log record gets for a configured field that has no value (outside a span, a root span's parent, absent baggage).</summary>
public enum MissingFieldBehavior
{
    /// <summary>The field is left out of the record (default).</summary>
    Omit = 0,

    /// <summary>The field is written with an empty string, so every record has the same shape.</summary>
    WriteEmpty = 1,
}
