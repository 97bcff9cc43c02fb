using Correlation.Demo.Logging;

namespace Correlation.Demo.Tests.Logging;

public sealed class LogRecordParserTests
{
    [Fact]
    public void Reads_serilog_compact_json()
    {
        var line = new CapturedLogLine(LogFrameworks.Serilog, """{"@t":"2026-11-25T09:00:00.0010000Z","@m":"Reserved 3 items","@i":"a","SourceContext":"Inventory","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","tenant.id":"acme-corp"}""");

        var log = LogRecordParser.Parse(line)!;

        Assert.Equal(("INFO", "Inventory", "Reserved 3 items"), (log.Level, log.Category, log.Message));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "acme-corp"), (log.TraceId, log.SpanId, log.Tenant));
        Assert.Equal(new DateTime(2026, 11, 25, 9, 0, 0, 1, DateTimeKind.Utc), log.TimestampUtc);
    }

    [Fact]
    public void Reads_nlog_json_layout_and_treats_empty_fields_as_absent()
    {
        var line = new CapturedLogLine(LogFrameworks.NLog, """{ "time": "2026-11-25T09:00:00.0000000Z", "level": "Warn", "logger": "Worker", "message": "retrying", "trace_id": "", "span_id": "" }""");

        var log = LogRecordParser.Parse(line)!;

        Assert.Equal(("WARN", "Worker", "retrying"), (log.Level, log.Category, log.Message));
        Assert.Null(log.TraceId);
        Assert.Null(log.SpanId);
    }

    [Fact]
    public void Reads_mel_json_console_output_with_fields_in_state()
    {
        var line = new CapturedLogLine(LogFrameworks.Mel, """{"Timestamp":"2026-11-25T09:00:00.0000000Z","EventId":0,"LogLevel":"Error","Category":"OrderService","Message":"failed","State":{"Message":"failed","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"},"Scopes":[{"tenant.id":"acme-corp"}]}""");

        var log = LogRecordParser.Parse(line)!;

        Assert.Equal(("ERROR", "OrderService", "failed"), (log.Level, log.Category, log.Message));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "acme-corp"), (log.TraceId, log.SpanId, log.Tenant));
    }

    [Fact]
    public void A_line_that_is_not_a_json_object_is_skipped()
    {
        Assert.Null(LogRecordParser.Parse(new CapturedLogLine(LogFrameworks.NLog, "plain text")));
        Assert.Null(LogRecordParser.Parse(new CapturedLogLine(LogFrameworks.NLog, "[1,2]")));
    }
}
