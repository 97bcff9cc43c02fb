using System.Diagnostics;

namespace Correlation.Trace.Sampling;

/// <summary>
/// Follows the parent's decision, with five delegates: the root sampler for spans without a parent, and one each for
/// a remote sampled parent (default <see cref="AlwaysOnSampler"/>), a remote unsampled parent (default
/// <see cref="AlwaysOffSampler"/>), a local sampled parent (default <see cref="AlwaysOnSampler"/>) and a local
/// unsampled parent (default <see cref="AlwaysOffSampler"/>). Links are not consulted.
/// </summary>
public sealed class ParentBasedSampler : Sampler
{
    /// <summary>Creates the sampler.</summary>
    /// <param name="root">Decides for spans without a parent.</param>
    /// <param name="remoteParentSampled">Decides when the parent is remote and sampled; default always on.</param>
    /// <param name="remoteParentNotSampled">Decides when the parent is remote and not sampled; default always off.</param>
    /// <param name="localParentSampled">Decides when the parent is local and sampled; default always on.</param>
    /// <param name="localParentNotSampled">Decides when the parent is local and not sampled; default always off.</param>
    public ParentBasedSampler(
        Sampler root,
        Sampler? remoteParentSampled = null,
        Sampler? remoteParentNotSampled = null,
        Sampler? localParentSampled = null,
        Sampler? localParentNotSampled = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        RemoteParentSampled = remoteParentSampled ?? new AlwaysOnSampler();
        RemoteParentNotSampled = remoteParentNotSampled ?? new AlwaysOffSampler();
        LocalParentSampled = localParentSampled ?? new AlwaysOnSampler();
        LocalParentNotSampled = localParentNotSampled ?? new AlwaysOffSampler();
        Description = "ParentBased{root=" + root.Description + ",remoteParentSampled=" + RemoteParentSampled.Description +
            ",remoteParentNotSampled=" + RemoteParentNotSampled.Description + ",localParentSampled=" +
            LocalParentSampled.Description + ",localParentNotSampled=" + LocalParentNotSampled.Description + "}";
    }

    /// <summary>Decides for spans without a parent.</summary>
    public Sampler Root { get; }

    /// <summary>Decides when the parent is remote and sampled.</summary>
    public Sampler RemoteParentSampled { get; }

    /// <summary>Decides when the parent is remote and not sampled.</summary>
    public Sampler RemoteParentNotSampled { get; }

    /// <summary>Decides when the parent is local and sampled.</summary>
    public Sampler LocalParentSampled { get; }

    /// <summary>Decides when the parent is local and not sampled.</summary>
    public Sampler LocalParentNotSampled { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <summary>True when every parent delegate is the default, so the decision is the parent's flag.</summary>
    internal bool HasDefaultParentDelegates =>
        RemoteParentSampled is AlwaysOnSampler && RemoteParentNotSampled is AlwaysOffSampler &&
        LocalParentSampled is AlwaysOnSampler && LocalParentNotSampled is AlwaysOffSampler;

    /// <inheritdoc/>
    public override ActivitySamplingResult ShouldSample(ref ActivityCreationOptions<ActivityContext> options)
    {
        var parent = options.Parent;
        if (parent.TraceId == default)
        {
            return Root.ShouldSample(ref options);
        }

        var sampled = (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0;
        var delegateSampler = parent.IsRemote
            ? (sampled ? RemoteParentSampled : RemoteParentNotSampled)
            : (sampled ? LocalParentSampled : LocalParentNotSampled);
        return delegateSampler.ShouldSample(ref options);
    }
}
