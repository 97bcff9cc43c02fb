using System.Diagnostics;
using System.Globalization;

namespace Correlation.Benchmarks.Trace;

/// <summary>
/// A paired, interleaved companion to <see cref="SpanBenchmarks"/> for a shared, loaded machine: BenchmarkDotNet runs
/// each case in its own process one after the other, so a change of load between two processes shows up as a ratio.
/// Here the three ways run in one process, in short alternating rounds (1,000 spans each, order rotated), and the
/// ratio is taken per round, then the median over the rounds: load that changes slowly cancels out.
/// Run: <c>dotnet run -c Release --project benchmarks/Correlation.Benchmarks -- --paired-spans</c>; set
/// <c>PAIRED_SPANS_ONLY</c> to one <see cref="SpanBenchmarks.SpanCase"/> name to run that case alone, and
/// <c>PAIRED_SPANS_PROCESSOR</c> to measure a partial processor in place of ours (see <see cref="FloorSpanProcessors"/>).
/// </summary>
internal static class PairedSpanOverhead
{
    private const int Rounds = 2000;
    private const int SpansPerRound = 1000;

    public static void Run()
    {
        Console.WriteLine("| Scenario | raw ns/span (median) | Correlation ns/span | OpenTelemetry ns/span | Correlation / raw (median of per-round ratios) | OpenTelemetry / raw |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var only = Environment.GetEnvironmentVariable("PAIRED_SPANS_ONLY");
        var dropped = new List<string>();
        foreach (var scenario in Enum.GetValues<SpanBenchmarks.SpanCase>())
        {
            if (only is not null && only != scenario.ToString())
            {
                continue;
            }

            var bench = new SpanBenchmarks { Scenario = scenario };
            bench.Setup();
            try
            {
                Measure(bench, scenario);
            }
            finally
            {
                // Flushed and shut down by Cleanup: then every span ended is counted, exported or dropped.
                bench.Cleanup();
                if (bench.OurCounts is { } counts && counts.Dropped > 0)
                {
                    dropped.Add($"{scenario}: our batch processor dropped {counts.Dropped} of {counts.Exported + counts.Dropped} spans (queue full)");
                }
            }
        }

        foreach (var line in dropped)
        {
            Console.WriteLine(line);
        }
    }

    private static void Measure(SpanBenchmarks bench, SpanBenchmarks.SpanCase scenario)
    {
        var times = new double[3][];
        for (var k = 0; k < 3; k++)
        {
            times[k] = new double[Rounds];
        }

        // Warm up every path (JIT tiers, queues, worker threads) before measuring.
        for (var i = 0; i < 200; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                Round(bench, k);
            }
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var j = 0; j < 3; j++)
            {
                var k = (round + j) % 3;
                times[k][round] = Round(bench, k);
            }
        }

        var ours = new double[Rounds];
        var theirs = new double[Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            ours[round] = times[1][round] / times[0][round];
            theirs[round] = times[2][round] / times[0][round];
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(
            inv,
            "| {0} | {1:F1} | {2:F1} | {3:F1} | {4:F2} | {5:F2} |",
            scenario,
            Median(times[0]),
            Median(times[1]),
            Median(times[2]),
            Median(ours),
            Median(theirs)));
    }

    private static double Round(SpanBenchmarks bench, int which)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < SpansPerRound; i++)
        {
            _ = which switch
            {
                0 => bench.Raw(),
                1 => bench.Correlation(),
                _ => bench.OpenTelemetry(),
            };
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / SpansPerRound;
    }

    private static double Median(double[] values)
    {
        var copy = (double[])values.Clone();
        Array.Sort(copy);
        return copy[copy.Length / 2];
    }
}
