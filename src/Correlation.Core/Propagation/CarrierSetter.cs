namespace Correlation.Propagation;

/// <summary>
/// Writes one header field into a carrier, replacing any value it had. Use a <see langword="static"/> lambda so that no
/// closure is allocated.
/// </summary>
/// <typeparam name="TCarrier">The carrier type (headers, a message, a dictionary).</typeparam>
/// <param name="carrier">The carrier.</param>
/// <param name="name">The field name (<c>traceparent</c>, <c>tracestate</c> or <c>baggage</c>).</param>
/// <param name="value">The value to write.</param>
public delegate void CarrierSetter<in TCarrier>(TCarrier carrier, string name, string value);
