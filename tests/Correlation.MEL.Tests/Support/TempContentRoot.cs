namespace Correlation.MEL.Tests.Support;

/// <summary>A temporary content root holding an appsettings.json, as a real application has.</summary>
internal sealed class TempContentRoot : IDisposable
{
    public TempContentRoot(string appSettingsJson)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "correlation-mel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        File.WriteAllText(System.IO.Path.Combine(Path, "appsettings.json"), appSettingsJson);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
