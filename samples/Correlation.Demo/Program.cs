namespace Correlation.Demo;

/// <summary>The demo's entry point.</summary>
internal static class Program
{
    /// <summary>Parses the command line, runs the demo and turns a failure into a message and an exit code.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code (see <see cref="DemoExitCodes"/>).</returns>
    public static async Task<int> Main(string[] args)
    {
        DemoOptions options;
        try
        {
            options = DemoOptions.Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (DemoException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(DemoOptions.Usage);
            return DemoExitCodes.Success;
        }

        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var color = options.Color ?? (!Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb");

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the demo stop the dashboard it started instead of dying with it still running.
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            return await new DemoRunner(options, Console.Out, Console.In).RunAsync(color, stop.Token);
        }
        catch (DemoException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return DemoExitCodes.Success;
        }
    }
}
