using BenchmarkDotNet.Running;
using Correlation.Benchmarks.Exporters.Otlp;
using Correlation.Benchmarks.MEL;
using Correlation.Benchmarks.NLog;
using Correlation.Benchmarks.Propagation;
using Correlation.Benchmarks.Serilog;
using Correlation.Benchmarks.Trace;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Reader*' --job short.
// Interleaved comparisons (candidates timed in alternating rounds in one process, robust on a shared machine) run
// instead when named: --paired-spans (see PairedSpanOverhead), --interleaved-propagation, --interleaved-mel
// [--shared-provider] (see InterleavedMelComparison), --interleaved-serilog, --interleaved-nlog, --interleaved-otlp.
switch (args)
{
    case ["--paired-spans"]:
        PairedSpanOverhead.Run();
        return;
    case ["--interleaved-propagation"]:
        InterleavedPropagationComparison.Run();
        return;
    case ["--interleaved-mel"]:
        InterleavedMelComparison.Run(sharedProvider: false);
        return;
    case ["--interleaved-mel", "--shared-provider"]:
        InterleavedMelComparison.Run(sharedProvider: true);
        return;
    case ["--interleaved-serilog"]:
        SerilogEnricherBenchmarks.RunInterleaved();
        return;
    case ["--interleaved-nlog"]:
        NLogRendererBenchmarks.RunInterleaved();
        return;
    case ["--interleaved-otlp"]:
        OtlpExportBenchmarks.RunInterleaved();
        return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
