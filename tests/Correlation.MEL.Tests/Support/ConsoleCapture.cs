using System.Text;
using System.Text.Json;

namespace Correlation.MEL.Tests.Support;

/// <summary>
/// Redirects <see cref="Console.Out"/> while a console logger provider is created and used, so the real JSON console
/// formatter's output can be read back. Only for tests in the non-parallel <see cref="ConsoleTests"/>.
/// </summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringWriter _writer = new(new StringBuilder());

    public ConsoleCapture() => Console.SetOut(TextWriter.Synchronized(_writer));

    public string Text
    {
        get
        {
            lock (_writer)
            {
                return _writer.ToString();
            }
        }
    }

    /// <summary>The JSON lines written so far (the console logger writes on a background thread; dispose the factory first).</summary>
    public List<JsonDocument> JsonLines()
    {
        var result = new List<JsonDocument>();
        foreach (var line in Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('{'))
            {
                result.Add(JsonDocument.Parse(line));
            }
        }

        return result;
    }

    public void Dispose() => Console.SetOut(_original);
}

[CollectionDefinition(nameof(ConsoleTests), DisableParallelization = true)]
public sealed class ConsoleTests
{
}
