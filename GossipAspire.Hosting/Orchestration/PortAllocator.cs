using System.Net;
using System.Net.Sockets;

namespace Aspire.Hosting.Orchestration;

/// <summary>
/// Free ports for endpoints that have none (or when tests randomize them). They are drawn below the kernel's
/// ephemeral range: a port bound to 0 and released comes from that range, where any outgoing connection on the
/// machine may take it before the child process binds it. Each candidate is checked free by binding it, and no
/// port is handed out twice by this process.
/// </summary>
internal static class PortAllocator
{
    private const int LowestPort = 10_000;
    private static readonly Lock s_lock = new();
    private static readonly HashSet<int> s_handedOut = [];

    public static int GetFreePort()
    {
        var upper = EphemeralRangeStart() - 1;
        lock (s_lock)
        {
            if (upper > LowestPort + 1000)
            {
                for (var attempt = 0; attempt < 500; attempt++)
                {
                    var candidate = Random.Shared.Next(LowestPort, upper + 1);
                    if (!s_handedOut.Contains(candidate) && IsFree(candidate))
                    {
                        s_handedOut.Add(candidate);
                        return candidate;
                    }
                }
            }

            // A machine with an unusual port range: let the kernel choose.
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (s_handedOut.Add(port))
                {
                    return port;
                }
            }
        }

        throw new DistributedApplicationException("Could not find a free TCP port on the loopback interface.");
    }

    /// <summary>True when nothing listens on the port, on IPv4 loopback nor (where IPv6 works) on IPv6 loopback.</summary>
    public static bool IsFree(int port) => CanBind(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port, ignoreUnavailable: true));

    private static bool CanBind(IPAddress address, int port, bool ignoreUnavailable = false)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse || ex.SocketErrorCode == SocketError.AccessDenied)
        {
            return false;
        }
        catch (SocketException) when (ignoreUnavailable)
        {
            return true;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var first = text.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49152;
        }
    }
}
