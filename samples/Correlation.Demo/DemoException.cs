namespace Correlation.Demo;

/// <summary>A failure the demo explains to the user and turns into a non-zero exit code.</summary>
internal sealed class DemoException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DemoException()
        : this(DemoExitCodes.Failed, "the demo failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public DemoException(string message)
        : this(DemoExitCodes.Failed, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public DemoException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = DemoExitCodes.Failed;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="exitCode">The process exit code.</param>
    /// <param name="message">What went wrong and what to do.</param>
    public DemoException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
