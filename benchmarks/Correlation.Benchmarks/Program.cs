using BenchmarkDotNet.Running;
using Correlation.Benchmarks.Trace;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Reader*' --job short.
// --paired-spans runs the interleaved span-overhead comparison instead (see PairedSpanOverhead).
if (args.Length > 0 && args[0] == "--paired-spans")
{
    PairedSpanOverhead.Run();
    return;
}

if (args is ["--interleaved-propagation"])
{
    Correlation.Benchmarks.Propagation.InterleavedPropagationComparison.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
