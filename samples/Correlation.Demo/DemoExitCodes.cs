namespace Correlation.Demo;

/// <summary>The demo's exit codes.</summary>
internal static class DemoExitCodes
{
    /// <summary>The scenario ran.</summary>
    public const int Success = 0;

    /// <summary>Something unexpected failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>A port the demo needs is taken.</summary>
    public const int PortInUse = 3;

    /// <summary>The backend (the Aspire Dashboard, or the OTLP endpoint given) could not be started or reached, or did not take the exports.</summary>
    public const int BackendUnavailable = 4;

    /// <summary>Ctrl+C stopped the run before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
