namespace Correlation.EndToEnd.Tests.Support;

/// <summary>One Aspire Dashboard shared by the tests of <see cref="DashboardCollection"/>; each test uses its own service name.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private AspireDashboard? _dashboard;

    public AspireDashboard Dashboard => _dashboard ?? throw new InvalidOperationException("The dashboard is not started.");

    public async Task InitializeAsync() => _dashboard = await AspireDashboard.StartAsync();

    public async Task DisposeAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
    }
}
