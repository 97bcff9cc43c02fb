namespace Correlation.Demo.Logging;

/// <summary>One record as a framework's JSON formatter wrote it.</summary>
internal sealed record CapturedLogLine(string Framework, string Json);
