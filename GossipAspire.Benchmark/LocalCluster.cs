using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GossipAspire.Benchmark;

/// <summary>
/// N node processes on loopback, started one after another, each seeded with its predecessor, and each timed from
/// launch to its first <c>/health</c> 200. Disposing stops them all, by process group.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_healthPoll = TimeSpan.FromMilliseconds(10);

    private readonly List<NodeProcess> _processes = [];
    private readonly List<NodeClient> _clients = [];
    private readonly Dictionary<string, double> _startupMs = new(StringComparer.Ordinal);

    private LocalCluster(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    public IReadOnlyList<NodeProcess> Processes => _processes;

    public IReadOnlyList<NodeClient> Clients => _clients;

    /// <summary>Launch to first /health 200, in milliseconds, by node id.</summary>
    public IReadOnlyDictionary<string, double> StartupMs => _startupMs;

    public double StartSeconds { get; private set; }

    /// <summary>The arguments every node gets besides its port and seed.</summary>
    public static IReadOnlyList<string> NodeSettings(BenchmarkSettings settings) =>
    [
        $"--Gossip:PickInterval={Duration.ToConfiguration(settings.PickInterval ?? BenchmarkSettings.QuietPickInterval)}",
        $"--Gossip:SendDelay={Duration.ToConfiguration(settings.Delay)}",
    ];

    public static async Task<LocalCluster> StartAsync(NodeCommand command, BenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var ports = settings.BasePort is { } basePort
            ? CheckedPorts(basePort, settings.Nodes)
            : FreePorts(settings.Nodes);
        log($"starting {settings.Nodes} nodes on 127.0.0.1:{ports[0]}-{ports[^1]}: {command.Description}");

        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseProxy = false };
        var cluster = new LocalCluster(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
        try
        {
            var all = Stopwatch.StartNew();
            var extra = NodeSettings(settings);
            for (var i = 0; i < ports.Count; i++)
            {
                await cluster.StartNodeAsync(command, new NodeLaunch(ports[i], i == 0 ? null : ports[i - 1], extra), cancellationToken);
            }

            cluster.StartSeconds = all.Elapsed.TotalSeconds;
            log(string.Create(CultureInfo.InvariantCulture, $"all {settings.Nodes} nodes healthy after {cluster.StartSeconds:0.0} s"));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartNodeAsync(NodeCommand command, NodeLaunch launch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var process = await NodeProcess.StartAsync(command, launch);
        _processes.Add(process);
        var client = new NodeClient(Http, process.Id, new Uri($"http://127.0.0.1:{launch.Port}"));
        while (!await client.IsHealthyAsync(TimeSpan.FromSeconds(2), cancellationToken))
        {
            if (process.HasExited)
            {
                throw new BenchmarkException(
                    $"node {process.Id} exited with code {await process.Exited} before answering /health:{Environment.NewLine}{string.Join(Environment.NewLine, process.RecentOutput)}");
            }

            if (clock.Elapsed > s_startTimeout)
            {
                throw new BenchmarkException(
                    $"node {process.Id} did not answer /health within {s_startTimeout.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, process.RecentOutput)}");
            }

            await Task.Delay(s_healthPoll, cancellationToken);
        }

        _startupMs[process.Id] = clock.Elapsed.TotalMilliseconds;
        _clients.Add(client);
    }

    /// <summary>Each node's resident set size in MiB, read from /proc now; nodes that are gone are left out.</summary>
    public IReadOnlyDictionary<string, double> RssMiB()
    {
        var rss = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var process in _processes)
        {
            if (process.RssKiB() is { } kib)
            {
                rss[process.Id] = kib / 1024.0;
            }
        }

        return rss;
    }

    /// <summary>CPU seconds all nodes have used so far, together.</summary>
    public double CpuSeconds() => _processes.Sum(p => p.CpuSeconds() ?? 0);

    /// <summary>Nodes that died while they should have been running, with their last words.</summary>
    public IReadOnlyList<string> Casualties() =>
        [.. _processes.Where(p => p.HasExited).Select(p => $"node {p.Id} exited with code {p.Exited.Result}: {string.Join(" | ", p.RecentOutput.TakeLast(5))}")];

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Http.Dispose();
    }

    internal static List<int> CheckedPorts(int basePort, int count)
    {
        var ports = Enumerable.Range(basePort, count).ToList();
        var busy = ports.Where(p => !IsFree(p)).ToList();
        return busy.Count == 0
            ? ports
            : throw new BenchmarkException($"port(s) {string.Join(", ", busy)} in use; choose another --base-port or leave it out");
    }

    /// <summary>
    /// A run of consecutive free ports (so node ids read 20101, 20102, ...), below the kernel's ephemeral range,
    /// where an outgoing connection could take a port between our check and the node's bind.
    /// </summary>
    internal static List<int> FreePorts(int count)
    {
        const int lowest = 10_000;
        var upper = EphemeralRangeStart() - count;
        for (var attempt = 0; attempt < 200 && upper > lowest; attempt++)
        {
            var start = Random.Shared.Next(lowest, upper);
            var ports = Enumerable.Range(start, count).ToList();
            if (ports.All(IsFree))
            {
                return ports;
            }
        }

        throw new BenchmarkException($"found no {count} consecutive free ports on 127.0.0.1; pass --base-port");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
