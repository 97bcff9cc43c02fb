using System.Diagnostics;
using Correlation.Propagation;
using OpenTelemetry.Context.Propagation;

namespace Correlation.Benchmarks.Propagation;

/// <summary>
/// The same operations as <see cref="InjectBenchmarks"/> and <see cref="ExtractBenchmarks"/>, measured interleaved: many
/// rounds, each timing 1000 calls of every candidate in turn, reporting the fastest and the median round per call. On a
/// machine shared with other work, interleaving exposes every candidate to the same load, which BenchmarkDotNet's
/// one-candidate-at-a-time runs cannot. Run with <c>-- --interleaved-propagation</c>.
/// </summary>
internal static class InterleavedPropagationComparison
{
    private const int CallsPerSlice = 1000;
    private const int Rounds = 3000;

    public static void Run()
    {
        var inject = new InjectBenchmarks();
        inject.Setup();
        var extract = new ExtractBenchmarks();
        Report("Inject", [
            ("OpenTelemetry.Api composite", inject.OpenTelemetryComposite),
            (".NET DistributedContextPropagator", inject.DotNetDefault),
            ("Correlation", inject.Correlation),
            ("Correlation as DistributedContextPropagator", inject.CorrelationFace),
        ]);
        Report("Extract", [
            ("OpenTelemetry.Api composite", () => extract.OpenTelemetryComposite()),
            (".NET DistributedContextPropagator", () => extract.DotNetDefault()),
            ("Correlation", () => extract.Correlation()),
            ("Correlation as DistributedContextPropagator", () => extract.CorrelationFace()),
        ]);
        inject.Cleanup();
    }

    private static void Report(string title, (string Name, Action Call)[] candidates)
    {
        var slices = new double[candidates.Length][];
        var bytes = new long[candidates.Length];
        for (var c = 0; c < candidates.Length; c++)
        {
            slices[c] = new double[Rounds];
            for (var i = 0; i < 10_000; i++)
            {
                candidates[c].Call();
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            candidates[c].Call();
            bytes[c] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var c = 0; c < candidates.Length; c++)
            {
                var call = candidates[c].Call;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < CallsPerSlice; i++)
                {
                    call();
                }

                slices[c][round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerSlice;
            }
        }

        Console.WriteLine($"## {title} ({Rounds} rounds x {CallsPerSlice} calls, interleaved)");
        Console.WriteLine();
        Console.WriteLine("| Candidate | Fastest round | Median round | Median vs OpenTelemetry | Median vs .NET | Allocated |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var medians = new double[candidates.Length];
        for (var c = 0; c < candidates.Length; c++)
        {
            Array.Sort(slices[c]);
            medians[c] = slices[c][Rounds / 2];
        }

        for (var c = 0; c < candidates.Length; c++)
        {
            Console.WriteLine($"| {candidates[c].Name} | {slices[c][0]:F1} ns | {medians[c]:F1} ns | {medians[c] / medians[0]:F2} | {medians[c] / medians[1]:F2} | {bytes[c]} B |");
        }

        Console.WriteLine();
    }
}
