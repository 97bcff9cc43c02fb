namespace Correlation.Propagation;

/// <summary>
/// Reads one header field from a carrier. Return the value, or <see langword="null"/> when the field is absent. When the
/// carrier holds the field more than once, return the values joined in order with <c>,</c> (as HTTP does); the
/// propagator then applies the W3C rules for repeated fields (two <c>traceparent</c> fields are invalid; <c>tracestate</c>
/// and <c>baggage</c> fields form one list). Use a <see langword="static"/> lambda so that no closure is allocated.
/// </summary>
/// <typeparam name="TCarrier">The carrier type (headers, a message, a dictionary).</typeparam>
/// <param name="carrier">The carrier.</param>
/// <param name="name">The field name (<c>traceparent</c>, <c>tracestate</c> or <c>baggage</c>).</param>
/// <returns>The value, or <see langword="null"/>.</returns>
public delegate string? CarrierGetter<in TCarrier>(TCarrier carrier, string name);
