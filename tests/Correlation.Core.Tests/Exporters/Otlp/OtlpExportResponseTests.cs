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
}
