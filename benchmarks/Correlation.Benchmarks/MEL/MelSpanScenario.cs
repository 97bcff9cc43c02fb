namespace Correlation.Benchmarks.MEL;

/// <summary>The span a benchmark's records are written in.</summary>
public enum MelSpanScenario
{
    /// <summary>A span with one tag (<c>http.route</c>) and one baggage item (<c>tenant.id</c>).</summary>
    OneTagOneBaggage,

    /// <summary>
    /// An ASP.NET Core-like request span: the eight tags its hosting and routing set (server.address, server.port,
    /// url.scheme, url.path, http.request.method, network.protocol.version, user_agent.original, http.route) and two
    /// baggage items (<c>tenant.id</c>, <c>session.id</c>).
    /// </summary>
    AspNetCoreRequest,
}
