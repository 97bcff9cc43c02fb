using System.Diagnostics;
using System.Globalization;

namespace Correlation.Benchmarks;

/// <summary>
/// Times several candidates in alternating rounds in one process (rotating order), so that a shared machine's load
/// hits every row alike, and prints per-row min and median, the per-round paired ratio to the first row (the
/// baseline) and the bytes each call allocates. Used by the <c>--interleaved-*</c> switches of Program.cs.
/// </summary>
internal static class InterleavedRunner
{
    public static void Run(string title, (string Name, Action Call)[] rows, int rounds = 201, int callsPerBatch = 5_000)
    {
        var times = new double[rows.Length][];
        var bytes = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            times[i] = new double[rounds];
            Batch(rows[i].Call, callsPerBatch);
            var before = GC.GetAllocatedBytesForCurrentThread();
            Batch(rows[i].Call, callsPerBatch);
            bytes[i] = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)callsPerBatch;
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < rows.Length; k++)
            {
                var i = (k + round) % rows.Length;
                times[i][round] = Batch(rows[i].Call, callsPerBatch);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"{title}: {rounds} rounds x {callsPerBatch} calls per row, rotating order");
        Console.WriteLine("| Row | Min ns/op | Median ns/op | Paired median ratio to baseline | Allocated B/op |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (var i = 0; i < rows.Length; i++)
        {
            Console.WriteLine(string.Format(
                inv, "| {0} | {1:F1} | {2:F1} | {3:F3} | {4:F0} |", rows[i].Name, times[i].Min(), Median(times[i]), PairedMedian(times[i], times[0]), bytes[i]));
        }
    }

    /// <summary>Runs <paramref name="call"/> <paramref name="calls"/> times; returns nanoseconds per call.</summary>
    internal static double Batch(Action call, int calls)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        return watch.Elapsed.TotalNanoseconds / calls;
    }

    /// <summary>The median (upper middle) of the values.</summary>
    internal static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    /// <summary>The median of the per-round ratios candidate / reference.</summary>
    internal static double PairedMedian(double[] candidate, double[] reference)
    {
        var ratios = new double[candidate.Length];
        for (var i = 0; i < ratios.Length; i++)
        {
            ratios[i] = candidate[i] / reference[i];
        }

        return Median(ratios);
    }
}
