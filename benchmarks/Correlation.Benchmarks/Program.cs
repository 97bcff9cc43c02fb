using BenchmarkDotNet.Running;

// Runs every benchmark class in this assembly; pass BenchmarkDotNet arguments, e.g. --filter '*Reader*' --job short.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
