using System.Globalization;

namespace Correlation.Benchmarks.MEL;

/// <summary>
/// The five rows of <see cref="MelCorrelationBenchmarks"/> timed in alternating rounds in one process (rotating order),
/// so that a shared machine's load hits every row alike, for each <see cref="MelSpanScenario"/>; reports per-row min and
/// median, bytes allocated per call, and the per-round paired ratios the issue's targets are about. Run with
/// <c>--interleaved-mel</c>; add <c>--shared-provider</c> to give every row the same copy of the provider's code (see
/// <see cref="StateAndScopeReadingProvider{TRow}"/>).
/// </summary>
internal static class InterleavedMelComparison
{
    private const int Rounds = 41;
    private const int CallsPerBatch = 20_000;

    public static void Run(bool sharedProvider)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Interleaved MEL comparison: {Rounds} rounds x {CallsPerBatch} calls per row, rotating order, provider code {(sharedProvider ? "shared by all rows" : "one copy per row")}");
        foreach (var scenario in Enum.GetValues<MelSpanScenario>())
        {
            var bench = new MelCorrelationBenchmarks { Scenario = scenario };
            bench.Setup(sharedProvider);
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
                var bytes = new double[rows.Length];
                for (var i = 0; i < rows.Length; i++)
                {
                    times[i] = new double[Rounds];
                    Batch(rows[i].Call);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    Batch(rows[i].Call);
                    bytes[i] = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)CallsPerBatch;
                }

                for (var round = 0; round < Rounds; round++)
                {
                    for (var k = 0; k < rows.Length; k++)
                    {
                        var i = (k + round) % rows.Length;
                        times[i][round] = Batch(rows[i].Call);
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"Scenario {scenario}");
                Console.WriteLine("| Row | Min ns/op | Median ns/op | Median ratio to baseline | B/op |");
                Console.WriteLine("|---|---:|---:|---:|---:|");
                for (var i = 0; i < rows.Length; i++)
                {
                    Console.WriteLine(string.Format(inv, "| {0} | {1:F1} | {2:F1} | {3:F2} | {4:F0} |", rows[i].Name, times[i].Min(), Median(times[i]), PairedMedian(times[i], times[0]), bytes[i]));
                }

                Console.WriteLine(string.Format(inv, "{0}: ours / ATO (paired median): {1:F2}", scenario, PairedMedian(times[3], times[1])));
                Console.WriteLine(string.Format(inv, "{0}: ours+baggage / ATO+Baggage|Tags (paired median): {1:F2}", scenario, PairedMedian(times[4], times[2])));
            }
            finally
            {
                bench.Cleanup();
            }
        }
    }

    private static double Batch(Action call) => InterleavedRunner.Batch(call, CallsPerBatch);

    private static double Median(double[] values) => InterleavedRunner.Median(values);

    private static double PairedMedian(double[] candidate, double[] reference) => InterleavedRunner.PairedMedian(candidate, reference);
}
