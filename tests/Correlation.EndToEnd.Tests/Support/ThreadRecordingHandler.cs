using System.Collections.Concurrent;

namespace Correlation.EndToEnd.Tests.Support;

/// <summary>A real socket handler that notes which threads send the exporter's requests.</summary>
public sealed class ThreadRecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentDictionary<int, int> SendingThreads { get; } = new();

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SendingThreads.AddOrUpdate(Environment.CurrentManagedThreadId, 1, static (_, n) => n + 1);
        return base.Send(request, cancellationToken);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SendingThreads.AddOrUpdate(Environment.CurrentManagedThreadId, 1, static (_, n) => n + 1);
        return base.SendAsync(request, cancellationToken);
    }
}
