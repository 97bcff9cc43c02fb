using System.Diagnostics;
using System.Globalization;

namespace Correlation.Benchmarks.MEL;

/// <summary>
/// The five rows of <see cref="MelCorrelationBenchmarks"/> timed in alternating rounds in one process (rotating order),
/// so that a shared machine's load hits every row alike; reports per-row min and median and the per-round paired ratios
/// the targets are about. Run with <c>--interleaved-mel</c>.
/// </summary>
internal static class InterleavedMelComparison
{
    private const int Rounds = 41;
    private const int CallsPerBatch = 20_000;

    public static void Run()
    {
        var bench = new MelCorrelationBenchmarks();
        bench.Setup();
        try
        {
            (string Name, Action Call)[] rows =
            [
                ("no correlation", bench.Baseline),
                ("ATO TraceId|SpanId|ParentId", bench.ActivityTracking),
                ("ATO + Baggage|Tags", bench.ActivityTrackingBaggageTags),
                ("ours, 2 fields", bench.Ours),
                ("ours, 2 fields + 1 baggage key", bench.OursBaggage),
            ];
            var times = new double[rows.Length][];
            for (var i = 0; i < rows.Length; i++)
            {
                times[i] = new double[Rounds];
                Batch(rows[i].Call);
            }

            for (var round = 0; round < Rounds; round++)
            {
                for (var k = 0; k < rows.Length; k++)
                {
                    var i = (k + round) % rows.Length;
                    times[i][round] = Batch(rows[i].Call);
                }
            }

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Interleaved MEL comparison: {Rounds} rounds x {CallsPerBatch} calls per row, rotating order");
            Console.WriteLine("| Row | Min ns/op | Median ns/op | Median ratio to baseline |");
            Console.WriteLine("|---|---:|---:|---:|");
            for (var i = 0; i < rows.Length; i++)
            {
                Console.WriteLine(string.Format(inv, "| {0} | {1:F1} | {2:F1} | {3:F2} |", rows[i].Name, times[i].Min(), Median(times[i]), PairedMedian(times[i], times[0])));
            }

            Console.WriteLine(string.Format(inv, "ours / ATO (paired median): {0:F2}", PairedMedian(times[3], times[1])));
            Console.WriteLine(string.Format(inv, "ours+baggage / ATO+Baggage|Tags (paired median): {0:F2}", PairedMedian(times[4], times[2])));
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static double Batch(Action call)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < CallsPerBatch; i++)
        {
            call();
        }

        return watch.Elapsed.TotalNanoseconds / CallsPerBatch;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    private static double PairedMedian(double[] candidate, double[] reference)
    {
        var ratios = new double[candidate.Length];
        for (var i = 0; i < ratios.Length; i++)
        {
            ratios[i] = candidate[i] / reference[i];
        }

        return Median(ratios);
    }
}
