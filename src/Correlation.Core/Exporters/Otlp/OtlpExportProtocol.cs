namespace Correlation.Exporters.Otlp;

/// <summary>The OTLP/HTTP encodings (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>).</summary>
public enum OtlpExportProtocol
{
    /// <summary><c>http/protobuf</c>: the protobuf wire format, <c>application/x-protobuf</c> (the default).</summary>
    HttpProtobuf = 0,

    /// <summary><c>http/json</c>: the OTLP JSON mapping, <c>application/json</c>.</summary>
    HttpJson = 1,
}
