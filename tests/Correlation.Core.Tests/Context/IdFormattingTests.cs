using Correlation.Context;

namespace Correlation.Core.Tests.Context;

public class IdFormattingTests
{
    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", "11803532876627986230")]
    [InlineData("00f067aa0ba902b7", "67667974448284343")]
    [InlineData("ffffffffffffffffffffffffffffffff", "18446744073709551615")]
    [InlineData("00000000000000000000000000000001", "1")]
    public void Lower_64_bits_are_written_in_decimal(string hex, string expected)
        => Assert.Equal(expected, IdFormatting.ToDecimalLower64(hex));
}
