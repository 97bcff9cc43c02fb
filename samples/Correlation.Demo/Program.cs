namespace Correlation.Demo;

/// <summary>The demo's entry point.</summary>
internal static class Program
{
    /// <summary>Runs the demo on the console.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code (see <see cref="DemoExitCodes"/>).</returns>
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var color = !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the demo stop the dashboard it started instead of dying with it still running.
            e.Cancel = true;
            stop.Cancel();
        };

        return await RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, Console.In, color, stop.Token);
    }

    /// <summary>Parses the command line, runs the demo and turns a failure into a message and an exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="output">Where the waterfall goes.</param>
    /// <param name="error">Where failures are explained.</param>
    /// <param name="input">Waited on to stop the dashboard.</param>
    /// <param name="color">Whether to colour the output unless the command line says otherwise.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The exit code (see <see cref="DemoExitCodes"/>).</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        Func<string, string?> environment,
        TextWriter output,
        TextWriter error,
        TextReader input,
        bool color,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var options = DemoOptions.Parse(args, environment);
            if (options.ShowHelp)
            {
                await output.WriteLineAsync(DemoOptions.Usage);
                return DemoExitCodes.Success;
            }

            return await new DemoRunner(options, output, input).RunAsync(options.Color ?? color, cancellationToken);
        }
        catch (DemoException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C while the story ran (stopping the dashboard with Ctrl+C is a normal end and returns 0 above).
            await error.WriteLineAsync("error: interrupted (Ctrl+C) before the demo finished.");
            return DemoExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"error: the demo failed unexpectedly: {ex}");
            return DemoExitCodes.Failed;
        }
    }
}
