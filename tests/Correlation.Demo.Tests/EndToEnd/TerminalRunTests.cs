namespace Correlation.Demo.Tests.EndToEnd;

/// <summary>The default run, as <c>dotnet run --project samples/Correlation.Demo</c> does it with its output redirected.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class TerminalRunTests
{
    [Fact]
    public async Task The_default_run_prints_every_trace_with_the_log_lines_of_all_three_frameworks_in_plain_text()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Program.RunAsync([], static _ => null, output, error, TextReader.Null, color: false, CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(string.Empty, error.ToString());
        Assert.Equal(DemoExitCodes.Success, code);
        Assert.DoesNotContain('\u001b', text);
        Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("trace ", StringComparison.Ordinal)));
        Assert.Contains("INFO  mel     Order ord-1001 received: 3 x SKU-RED-MUG  tenant.id=acme-corp", text, StringComparison.Ordinal);
        Assert.Contains("INFO  serilog Reserved 3 items of \"SKU-RED-MUG\"  tenant.id=acme-corp", text, StringComparison.Ordinal);
        Assert.Contains("WARN  nlog    Payment attempt 1 for order ord-1001 failed", text, StringComparison.Ordinal);
        Assert.Contains("• payment_authorized", text, StringComparison.Ordinal);
        Assert.Contains("• inventory_checked items=3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("outside any span", text, StringComparison.Ordinal);
        Assert.DoesNotContain("whose span was not recorded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("whose trace was not recorded", text, StringComparison.Ordinal);
        Assert.Contains("13 carried trace_id/span_id and were placed under their span.\n", text, StringComparison.Ordinal);
    }
}
