using NLog;
using NLog.Targets;

namespace Correlation.Demo.Logging;

/// <summary>An NLog target that renders each event with its layout (a <c>JsonLayout</c>) into the capture.</summary>
internal sealed class NLogCaptureTarget : TargetWithLayout
{
    private readonly LogCapture _capture;

    /// <summary>Creates the target.</summary>
    /// <param name="capture">Where the JSON lines go.</param>
    public NLogCaptureTarget(LogCapture capture)
    {
        _capture = capture;
        Name = "capture";
    }

    /// <inheritdoc/>
    protected override void Write(LogEventInfo logEvent) => _capture.Add(LogFrameworks.NLog, RenderLogEvent(Layout, logEvent));
}
