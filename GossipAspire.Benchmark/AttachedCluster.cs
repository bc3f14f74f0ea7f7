using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>
/// A cluster someone else runs (an Aspire AppHost, say), measured through the same tool API as the benchmark's own
/// nodes. The nodes are not the benchmark's to start or stop; their processes are found by the loopback port each
/// listens on, so CPU and memory are still read from /proc.
/// </summary>
public sealed class AttachedCluster : IAsyncDisposable
{
    private readonly Dictionary<string, int> _pids;

    private AttachedCluster(HttpClient http, IReadOnlyList<NodeClient> clients, Dictionary<string, int> pids)
    {
        Http = http;
        Clients = clients;
        _pids = pids;
    }

    public HttpClient Http { get; }

    public IReadOnlyList<NodeClient> Clients { get; }

    /// <summary>Node id to the pid listening on its port, for the nodes whose process could be found.</summary>
    public IReadOnlyDictionary<string, int> Pids => _pids;

    /// <summary>Reads each address's <c>/state/</c> for its id, and finds the process behind each loopback port.</summary>
    public static async Task<AttachedCluster> ConnectAsync(IReadOnlyList<Uri> addresses, Action<string> log, CancellationToken cancellationToken)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var clients = new List<NodeClient>();
            foreach (var address in addresses)
            {
                var probe = new NodeClient(http, address.ToString(), address);
                NodeState state;
                try
                {
                    state = await probe.GetStateAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    throw new BenchmarkException($"--attach: {address} did not answer GET /state/ ({ex.Message}); is the cluster running?");
                }

                clients.Add(new NodeClient(http, state.Id, address));
            }

            var pids = new Dictionary<string, int>(StringComparer.Ordinal);
            var listeners = LoopbackListeners.Read();
            foreach (var client in clients)
            {
                if (listeners.TryGetValue(client.BaseAddress.Port, out var pid))
                {
                    pids[client.Id] = pid;
                }
            }

            log(string.Create(CultureInfo.InvariantCulture,
                $"attached to {clients.Count} running nodes ({string.Join(", ", clients.Select(c => c.Id))}); found the processes of {pids.Count}"));
            return new AttachedCluster(http, clients, pids);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>CPU seconds the attached nodes have used so far; null when not every process was found.</summary>
    public double? CpuSeconds() => _pids.Count == Clients.Count ? _pids.Values.Sum(p => NodeProcess.ReadCpuSeconds(p) ?? 0) : null;

    public IReadOnlyDictionary<string, double> RssMiB() =>
        _pids.Select(p => (p.Key, Kib: NodeProcess.ReadRssKiB(p.Value)))
            .Where(p => p.Kib is not null)
            .ToDictionary(p => p.Key, p => p.Kib!.Value / 1024.0, StringComparer.Ordinal);

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Which process listens on which TCP port, from /proc/net/tcp(6) and each process's open sockets.</summary>
public static class LoopbackListeners
{
    private const string Listen = "0A";

    public static IReadOnlyDictionary<int, int> Read()
    {
        var portByInode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == Listen
                    && int.TryParse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
                {
                    portByInode[fields[9]] = port;
                }
            }
        }

        var pidByPort = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && portByInode.TryGetValue(target[8..^1], out var port))
                    {
                        pidByPort.TryAdd(port, pid);
                    }
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // A process that ended, or one we may not look into.
            }
        }

        return pidByPort;
    }
}
