using System.Net.Http.Headers;
using System.Text;

namespace Correlation.Propagation;

/// <summary>
/// Ready-made getters and setters for common carriers: string dictionaries, HTTP headers, and byte-valued message headers
/// (the Kafka and RabbitMQ shape, UTF-8). Getters join repeated fields with <c>,</c>; setters replace the field.
/// </summary>
public static class PropagationCarriers
{
    /// <summary>Reads from an <see cref="IDictionary{TKey, TValue}"/> of strings (its comparer decides case).</summary>
    public static CarrierGetter<IDictionary<string, string>> DictionaryGetter { get; } =
        static (carrier, name) => carrier is not null && carrier.TryGetValue(name, out var value) ? value : null;

    /// <summary>Writes into an <see cref="IDictionary{TKey, TValue}"/> of strings.</summary>
    public static CarrierSetter<IDictionary<string, string>> DictionarySetter { get; } =
        static (carrier, name, value) => carrier[name] = value;

    /// <summary>Reads from <see cref="HttpHeaders"/> (request or response headers) without validating or allocating for a single value.</summary>
    public static CarrierGetter<HttpHeaders> HttpHeadersGetter { get; } = static (carrier, name) => GetHeader(carrier, name);

    /// <summary>Writes into <see cref="HttpHeaders"/>, replacing the field.</summary>
    public static CarrierSetter<HttpHeaders> HttpHeadersSetter { get; } = static (carrier, name, value) =>
    {
        carrier.Remove(name);
        carrier.TryAddWithoutValidation(name, value);
    };

    /// <summary>Reads the headers of an <see cref="HttpRequestMessage"/>.</summary>
    public static CarrierGetter<HttpRequestMessage> HttpRequestGetter { get; } = static (carrier, name) => GetHeader(carrier?.Headers, name);

    /// <summary>Writes the headers of an <see cref="HttpRequestMessage"/>, replacing the field.</summary>
    public static CarrierSetter<HttpRequestMessage> HttpRequestSetter { get; } = static (carrier, name, value) =>
    {
        carrier.Headers.Remove(name);
        carrier.Headers.TryAddWithoutValidation(name, value);
    };

    /// <summary>Reads UTF-8 values from byte-valued message headers keyed by name.</summary>
    public static CarrierGetter<IDictionary<string, byte[]>> ByteHeadersGetter { get; } =
        static (carrier, name) => carrier is not null && carrier.TryGetValue(name, out var value) && value is not null ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Writes UTF-8 values into byte-valued message headers keyed by name.</summary>
    public static CarrierSetter<IDictionary<string, byte[]>> ByteHeadersSetter { get; } =
        static (carrier, name, value) => carrier[name] = Encoding.UTF8.GetBytes(value);

    /// <summary>
    /// Reads from an ordered list of byte-valued headers that may repeat a name (the Kafka shape); repeated fields are
    /// joined in order with <c>,</c>. Names compare ordinally.
    /// </summary>
    public static CarrierGetter<IList<KeyValuePair<string, byte[]>>> ByteHeaderListGetter { get; } = static (carrier, name) =>
    {
        if (carrier is null)
        {
            return null;
        }

        string? first = null;
        StringBuilder? joined = null;
        for (var i = 0; i < carrier.Count; i++)
        {
            var header = carrier[i];
            if (header.Value is not null && string.Equals(header.Key, name, StringComparison.Ordinal))
            {
                Join(ref first, ref joined, Encoding.UTF8.GetString(header.Value));
            }
        }

        return joined?.ToString() ?? first;
    };

    /// <summary>Writes into an ordered list of byte-valued headers, replacing every field of that name.</summary>
    public static CarrierSetter<IList<KeyValuePair<string, byte[]>>> ByteHeaderListSetter { get; } = static (carrier, name, value) =>
    {
        for (var i = carrier.Count - 1; i >= 0; i--)
        {
            if (string.Equals(carrier[i].Key, name, StringComparison.Ordinal))
            {
                carrier.RemoveAt(i);
            }
        }

        carrier.Add(new KeyValuePair<string, byte[]>(name, Encoding.UTF8.GetBytes(value)));
    };

    /// <summary>
    /// Reads from object-valued headers (the RabbitMQ <c>IBasicProperties.Headers</c> shape): <c>byte[]</c>
    /// values are UTF-8, <see cref="string"/> values are taken as they are.
    /// </summary>
    public static CarrierGetter<IDictionary<string, object?>> ObjectHeadersGetter { get; } = static (carrier, name) =>
    {
        if (carrier is null || !carrier.TryGetValue(name, out var value))
        {
            return null;
        }

        return value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            ReadOnlyMemory<byte> memory => Encoding.UTF8.GetString(memory.Span),
            _ => null,
        };
    };

    /// <summary>Writes UTF-8 <c>byte[]</c> values into object-valued headers (what RabbitMQ sends as a byte string).</summary>
    public static CarrierSetter<IDictionary<string, object?>> ObjectHeadersSetter { get; } =
        static (carrier, name, value) => carrier[name] = Encoding.UTF8.GetBytes(value);

    private static string? GetHeader(HttpHeaders? headers, string name)
    {
        if (headers is null || !headers.NonValidated.TryGetValues(name, out var values))
        {
            return null;
        }

        if (values.Count == 1)
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        // One join for all the fields (never one concatenation per field: quadratic work, SPEC 3).
        return string.Join(",", values);
    }

    // Repeated fields are joined in one builder as they are found: concatenating them one by one copies the growing
    // string per field, quadratic work that a message repeating a header thousands of times turns into a stall (SPEC 3).
    private static void Join(ref string? first, ref StringBuilder? joined, string value)
    {
        if (first is null)
        {
            first = value;
            return;
        }

        joined ??= new StringBuilder(first);
        joined.Append(',').Append(value);
    }
}
