using System.Text;
using Correlation.Exporters.Otlp;

namespace Correlation.Core.Tests.Exporters.Otlp;

public class OtlpExportResponseTests
{
    [Fact]
    public void Protobuf_partial_success_is_read()
    {
        // ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "too old" } }
        var message = Encoding.UTF8.GetBytes("too old");
        var inner = new List<byte> { 0x08, 0x03, 0x12, (byte)message.Length };
        inner.AddRange(message);
        var body = new List<byte> { 0x0A, (byte)inner.Count };
        body.AddRange(inner);

        Assert.True(OtlpExportResponse.TryReadPartialSuccess(body.ToArray(), json: false, out var rejected, out var text));
        Assert.Equal(3, rejected);
        Assert.Equal("too old", text);
    }

    [Theory]
    [InlineData("{\"partialSuccess\":{\"rejectedSpans\":\"5\",\"errorMessage\":\"bad span\"}}", 5, "bad span")]
    [InlineData("{\"partialSuccess\":{\"rejectedSpans\":2}}", 2, null)]
    public void Json_partial_success_is_read(string body, long expected, string? expectedMessage)
    {
        Assert.True(OtlpExportResponse.TryReadPartialSuccess(Encoding.UTF8.GetBytes(body), json: true, out var rejected, out var text));
        Assert.Equal(expected, rejected);
        Assert.Equal(expectedMessage, text);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"partialSuccess\":{}}")]
    [InlineData("not json at all")]
    public void An_empty_or_unreadable_body_is_a_full_success(string body)
        => Assert.False(OtlpExportResponse.TryReadPartialSuccess(Encoding.UTF8.GetBytes(body), json: true, out _, out _));

    [Fact]
    public void A_truncated_protobuf_body_is_a_full_success()
        => Assert.False(OtlpExportResponse.TryReadPartialSuccess(new byte[] { 0x0A, 0x10, 0x08 }, json: false, out _, out _));

    [Fact]
    public void A_length_that_would_wrap_the_position_is_a_full_success_not_an_exception()
    {
        // partial_success { field 3 (length-delimited) of length int.MaxValue }: position + length overflows int.
        var inner = new List<byte> { 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x08 };
        var body = new List<byte> { 0x0A, (byte)inner.Count };
        body.AddRange(inner);

        Assert.False(OtlpExportResponse.TryReadPartialSuccess(body.ToArray(), json: false, out var rejected, out var text));
        Assert.Equal(0, rejected);
        Assert.Null(text);
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x06, 0x12, 0xFD, 0xFF, 0xFF, 0xFF, 0x07 })]
    [InlineData(new byte[] { 0x0A, 0x03, 0x08, 0x01, 0x11, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x19, 0x01, 0x02, 0x03, 0x0A, 0x00 })]
    public void Lengths_and_fixed_fields_beyond_the_body_are_a_full_success(byte[] body)
        => Assert.False(OtlpExportResponse.TryReadPartialSuccess(body, json: false, out _, out _));

    [Fact]
    public void Unknown_length_delimited_fields_are_skipped_exactly()
    {
        // { field 5: "ab" } then partial_success { field 4: "xyz", rejected_spans: 2 }
        var body = new byte[] { 0x2A, 0x02, (byte)'a', (byte)'b', 0x0A, 0x07, 0x22, 0x03, (byte)'x', (byte)'y', (byte)'z', 0x08, 0x02 };

        Assert.True(OtlpExportResponse.TryReadPartialSuccess(body, json: false, out var rejected, out _));
        Assert.Equal(2, rejected);
    }
}
