using BenchmarkDotNet.Running;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Reader*' --job short.
if (args is ["--interleaved-propagation"])
{
    Correlation.Benchmarks.Propagation.InterleavedPropagationComparison.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
