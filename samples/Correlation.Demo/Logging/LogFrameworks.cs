namespace Correlation.Demo.Logging;

/// <summary>The names the demo shows for each logging framework.</summary>
internal static class LogFrameworks
{
    /// <summary>Serilog.</summary>
    public const string Serilog = "serilog";

    /// <summary>NLog.</summary>
    public const string NLog = "nlog";

    /// <summary>Microsoft.Extensions.Logging.</summary>
    public const string Mel = "mel";
}
