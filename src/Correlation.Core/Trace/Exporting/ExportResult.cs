namespace Correlation.Trace.Exporting;

/// <summary>The outcome of one export call.</summary>
public enum ExportResult
{
    /// <summary>The batch was delivered.</summary>
    Success = 0,

    /// <summary>The batch could not be delivered and was dropped (after any retries the exporter makes).</summary>
    Failure = 1,
}
