using System.Text;
using Correlation.Propagation;

namespace Correlation.Core.Tests.Propagation;

/// <summary>The ready-made carrier getters and setters.</summary>
public class PropagationCarriersTests
{
    // A hostile message repeating one field thousands of times (a 1 MB Kafka message holds tens of thousands of headers).
    private const int Repeats = 5000;

    private static long AllocatedBy(Func<string?> read, out string? value)
    {
        read();
        var before = GC.GetAllocatedBytesForCurrentThread();
        value = read();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Repeated_byte_list_fields_are_joined_in_order_with_work_linear_in_their_number()
    {
        var headers = new List<KeyValuePair<string, byte[]>> { new("other", "x"u8.ToArray()) };
        for (var i = 0; i < Repeats; i++)
        {
            headers.Add(new("baggage", Encoding.UTF8.GetBytes($"k{i % 10}=v")));
        }

        var bytes = AllocatedBy(() => PropagationCarriers.ByteHeaderListGetter(headers, "baggage"), out var joined);

        Assert.Equal(string.Join(",", Enumerable.Range(0, Repeats).Select(i => $"k{i % 10}=v")), joined);

        // Joining by repeated concatenation copies the growing string once per field: ~Repeats² / 2 chars (about 100 MB here).
        Assert.True(bytes < 2_000_000, $"{bytes} bytes allocated to join {Repeats} fields");
    }

    [Fact]
    public void Repeated_HttpHeaders_fields_are_joined_in_order_with_work_linear_in_their_number()
    {
        using var request = new HttpRequestMessage();
        for (var i = 0; i < Repeats; i++)
        {
            request.Headers.TryAddWithoutValidation("baggage", $"k{i % 10}=v");
        }

        var bytes = AllocatedBy(() => PropagationCarriers.HttpRequestGetter(request, "baggage"), out var joined);

        Assert.Equal(string.Join(",", Enumerable.Range(0, Repeats).Select(i => $"k{i % 10}=v")), joined);
        Assert.True(bytes < 2_000_000, $"{bytes} bytes allocated to join {Repeats} fields");
    }

    [Fact]
    public void A_single_byte_list_field_is_read_as_it_is()
    {
        var headers = new List<KeyValuePair<string, byte[]>> { new("traceparent", Encoding.UTF8.GetBytes(Headers.Valid)) };

        Assert.Equal(Headers.Valid, PropagationCarriers.ByteHeaderListGetter(headers, "traceparent"));
        Assert.Null(PropagationCarriers.ByteHeaderListGetter(headers, "tracestate"));
    }
}
