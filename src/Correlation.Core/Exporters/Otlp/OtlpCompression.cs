namespace Correlation.Exporters.Otlp;

/// <summary>The request body compression (<c>OTEL_EXPORTER_OTLP_COMPRESSION</c>).</summary>
public enum OtlpCompression
{
    /// <summary>No compression (the default).</summary>
    None = 0,

    /// <summary>gzip, sent with <c>Content-Encoding: gzip</c>.</summary>
    Gzip = 1,
}
