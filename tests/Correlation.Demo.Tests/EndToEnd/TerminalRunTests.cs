using System.Text.RegularExpressions;

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

        // The output the READMEs show is this run's, line for line, but for ids, durations, bar lengths and the port.
        var shown = OutputBlock("samples/Correlation.Demo/README.md");
        Assert.Equal(Skeleton(shown), Skeleton(text));
    }

    [Fact]
    public void The_root_readme_shows_the_demo_readme_output_with_the_second_trace_left_out()
    {
        var demo = OutputBlock("samples/Correlation.Demo/README.md").Split('\n').ToList();
        var root = OutputBlock("README.md").Split('\n');
        var traces = demo.Select((line, i) => (line, i)).Where(x => x.line.StartsWith("trace ", StringComparison.Ordinal)).Select(x => x.i).ToArray();
        Assert.Equal(3, traces.Length);

        // The second trace runs from its header to the blank line before the third.
        demo.RemoveRange(traces[1], traces[2] - 1 - traces[1]);
        demo.Insert(traces[1], "(… the second order's trace, the same shape …)");
        Assert.Equal(demo, root);
    }

    /// <summary>The first ```text block of a README (its "What it prints"), relative to the repository root.</summary>
    private static string OutputBlock(string readme)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Correlation.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var text = File.ReadAllText(Path.Combine(directory.FullName, readme)).ReplaceLineEndings("\n");
        var match = Regex.Match(text, "```text\n(Correlation demo:.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, readme + " shows the demo's output");
        return match.Groups[1].Value;
    }

    /// <summary>Each line without what changes from run to run: ids, durations (ms or, on a slow machine, s), bars, the port, and the spacing they move.</summary>
    private static string[] Skeleton(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n')
        .Select(line => Regex.Replace(line, "http://127\\.0\\.0\\.1:\\d+/", "http://127.0.0.1:PORT/"))
        .Select(line => Regex.Replace(line, "\\b[0-9a-f]{32}\\b", "TRACE"))
        .Select(line => Regex.Replace(line, "\\b[0-9a-f]{16}\\b", "SPAN"))
        .Select(line => Regex.Replace(line, "\\+?\\d+(\\.\\d+)? m?s\\b", "TIME"))
        .Select(line => Regex.Replace(line.Replace("█", string.Empty, StringComparison.Ordinal), "\\s+", " ").TrimEnd())
        .ToArray();
}
