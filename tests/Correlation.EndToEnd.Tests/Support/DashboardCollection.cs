namespace Correlation.EndToEnd.Tests.Support;

/// <summary>
/// The tests that talk to a dashboard run one after another: the machine (CI has 2 cores) runs one dashboard and one
/// exporter at a time, so no test competes with another for the CPU.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Aspire Dashboard";
}
