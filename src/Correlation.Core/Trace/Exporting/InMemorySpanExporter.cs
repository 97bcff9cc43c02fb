using System.Diagnostics;

namespace Correlation.Trace.Exporting;

/// <summary>
/// Adds every exported span to a collection the caller owns: for tests (the library's and its users'). It locks on
/// the collection while adding, so a reader that also locks on it sees whole batches.
/// </summary>
public sealed class InMemorySpanExporter : SpanExporter
{
    private readonly ICollection<Activity> _spans;

    /// <summary>Creates the exporter.</summary>
    /// <param name="spans">The collection that receives the spans.</param>
    public InMemorySpanExporter(ICollection<Activity> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        _spans = spans;
    }

    /// <inheritdoc/>
    public override ExportResult Export(ReadOnlySpan<Activity> batch)
    {
        lock (_spans)
        {
            foreach (var span in batch)
            {
                _spans.Add(span);
            }
        }

        return ExportResult.Success;
    }
}
