namespace Correlation.Benchmarks.MEL;

/// <summary>Markers giving each benchmark row its own copy of <see cref="StateAndScopeReadingProvider{TRow}"/>'s code.</summary>
internal static class ProviderRows
{
    /// <summary>No correlation.</summary>
    internal struct Baseline;

    /// <summary>ActivityTrackingOptions ids.</summary>
    internal struct Ato;

    /// <summary>ActivityTrackingOptions ids + Baggage|Tags.</summary>
    internal struct AtoBaggageTags;

    /// <summary>Ours, 2 fields.</summary>
    internal struct Ours;

    /// <summary>Ours, 2 fields + 1 baggage key.</summary>
    internal struct OursBaggage;

    /// <summary>Every row, when the provider's code is deliberately shared (<c>--shared-provider</c>).</summary>
    internal struct Shared;
}
