using System.Net;
using System.Net.Sockets;

namespace Correlation.Demo.Backend;

/// <summary>Free and taken ports on 127.0.0.1.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port that was free a moment ago (the OS's choice for port 0).</summary>
    /// <returns>The port.</returns>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something already listens on (or holds) the port.</summary>
    /// <param name="port">The port.</param>
    /// <returns>True when it cannot be bound.</returns>
    public static bool IsTaken(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Whether a TCP connection to the host and port succeeds within the timeout.</summary>
    /// <param name="host">The host.</param>
    /// <param name="port">The port.</param>
    /// <param name="timeout">How long to try.</param>
    /// <returns>True when something accepted the connection.</returns>
    public static async Task<bool> CanConnectAsync(string host, int port, TimeSpan timeout)
    {
        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
