using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GossipAspire.Benchmark;

/// <summary>What a cluster is: how many nodes, what each gets besides its port and seed, and how they start.</summary>
public sealed record ClusterSpec(int Nodes, IReadOnlyList<string> NodeArguments)
{
    /// <summary>First port; the nodes take consecutive ports from it. Null: free ports are found.</summary>
    public int? BasePort { get; init; }

    /// <summary>Launch every node at once, as an AppHost does, instead of each after its seed answers /health.</summary>
    public bool Together { get; init; }

    /// <summary>Environment variables every node gets over the launcher's quiet defaults.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Receives every line a node writes, with its id.</summary>
    public Action<string, NodeOutputLine>? Output { get; init; }
}

/// <summary>
/// N node processes on loopback, each seeded with its predecessor, started one after another (each once its seed
/// answers <c>/health</c>) or all at once, and each timed from launch to its first <c>/health</c> 200. A node can be
/// frozen, resumed, killed and restarted on its port. Disposing stops them all, by process group.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_healthPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_healthPollTogether = TimeSpan.FromMilliseconds(20);

    private readonly List<NodeProcess> _processes = [];
    private readonly List<NodeLaunch> _launches = [];
    private readonly List<NodeClient> _clients = [];
    private readonly Dictionary<string, double> _startupMs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _healthyAt = new(StringComparer.Ordinal);
    private readonly NodeCommand _command;

    private LocalCluster(NodeCommand command, HttpClient http)
    {
        _command = command;
        Http = http;
    }

    public HttpClient Http { get; }

    public IReadOnlyList<NodeProcess> Processes => _processes;

    public IReadOnlyList<NodeClient> Clients => _clients;

    /// <summary>Launch to first /health 200, in milliseconds, by node id.</summary>
    public IReadOnlyDictionary<string, double> StartupMs => _startupMs;

    /// <summary>When each node (its latest start) first answered /health, by node id.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> HealthyAt => _healthyAt;

    public double StartSeconds { get; private set; }

    /// <summary>The arguments every node gets besides its port and seed.</summary>
    public static IReadOnlyList<string> NodeSettings(BenchmarkSettings settings) =>
    [
        $"--Gossip:PickInterval={Duration.ToConfiguration(settings.PickInterval ?? BenchmarkSettings.QuietPickInterval)}",
        $"--Gossip:SendDelay={Duration.ToConfiguration(settings.Delay)}",
    ];

    public static Task<LocalCluster> StartAsync(NodeCommand command, BenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken) =>
        StartAsync(command, new ClusterSpec(settings.Nodes, NodeSettings(settings)) { BasePort = settings.BasePort }, log, cancellationToken);

    public static async Task<LocalCluster> StartAsync(NodeCommand command, ClusterSpec spec, Action<string> log, CancellationToken cancellationToken)
    {
        var ports = spec.BasePort is { } basePort
            ? CheckedPorts(basePort, spec.Nodes)
            : FreePorts(spec.Nodes);
        log($"starting {spec.Nodes} nodes{(spec.Together ? " at once" : "")} on 127.0.0.1:{ports[0]}-{ports[^1]}: {command.Description}");

        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseProxy = false };
        var cluster = new LocalCluster(command, new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
        try
        {
            var all = Stopwatch.StartNew();
            var launches = ports.Select((port, i) => new NodeLaunch(port, i == 0 ? null : ports[i - 1], spec.NodeArguments)
            {
                Environment = spec.Environment,
                Output = spec.Output is { } output ? line => output(port.ToString(CultureInfo.InvariantCulture), line) : null,
            }).ToList();
            if (spec.Together)
            {
                var clocks = new List<Stopwatch>();
                foreach (var launch in launches)
                {
                    clocks.Add(Stopwatch.StartNew());
                    cluster.Add(launch, await NodeProcess.StartAsync(command, launch));
                }

                await Task.WhenAll(cluster._processes.Select((_, i) => cluster.WaitHealthyAsync(i, clocks[i], s_healthPollTogether, cancellationToken)));
            }
            else
            {
                foreach (var launch in launches)
                {
                    var clock = Stopwatch.StartNew();
                    cluster.Add(launch, await NodeProcess.StartAsync(command, launch));
                    await cluster.WaitHealthyAsync(cluster._processes.Count - 1, clock, s_healthPoll, cancellationToken);
                }
            }

            cluster.StartSeconds = all.Elapsed.TotalSeconds;
            log(string.Create(CultureInfo.InvariantCulture, $"all {spec.Nodes} nodes healthy after {cluster.StartSeconds:0.0} s"));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGSTOP to node <paramref name="index"/>: it answers and sends nothing until <see cref="Resume"/>.</summary>
    public void Freeze(int index) => _processes[index].Freeze();

    /// <summary>SIGCONT to node <paramref name="index"/>.</summary>
    public void Resume(int index) => _processes[index].Resume();

    /// <summary>SIGKILL to node <paramref name="index"/>, as a crash would; completes once it is gone.</summary>
    public Task KillAsync(int index) => _processes[index].KillAsync(TimeSpan.FromSeconds(30));

    /// <summary>
    /// Starts node <paramref name="index"/> again on its port with its seed and settings (killing it first if it
    /// still runs), and waits until it answers /health; answers when it first did.
    /// </summary>
    public async Task<DateTimeOffset> RestartAsync(int index, CancellationToken cancellationToken)
    {
        var old = _processes[index];
        if (!old.HasExited)
        {
            await old.KillAsync(TimeSpan.FromSeconds(30));
        }

        await old.DisposeAsync();
        var clock = Stopwatch.StartNew();
        _processes[index] = await NodeProcess.StartAsync(_command, _launches[index]);
        await WaitHealthyAsync(index, clock, s_healthPoll, cancellationToken);
        return _healthyAt[_clients[index].Id];
    }

    private void Add(NodeLaunch launch, NodeProcess process)
    {
        _launches.Add(launch);
        _processes.Add(process);
        _clients.Add(new NodeClient(Http, process.Id, new Uri($"http://127.0.0.1:{launch.Port}")));
    }

    private async Task WaitHealthyAsync(int index, Stopwatch clock, TimeSpan poll, CancellationToken cancellationToken)
    {
        var process = _processes[index];
        var client = _clients[index];
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

            await Task.Delay(poll, cancellationToken);
        }

        lock (_healthyAt)
        {
            _healthyAt[process.Id] = DateTimeOffset.UtcNow;
            _startupMs[process.Id] = clock.Elapsed.TotalMilliseconds;
        }
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

    /// <summary>
    /// <paramref name="count"/> distinct loopback ports with nothing listening now, below the ephemeral range and
    /// outside <paramref name="exclude"/>: peers that cannot be reached, for tests of unreachable and fake peers.
    /// </summary>
    public static IReadOnlyList<int> UnusedPorts(int count, IEnumerable<int> exclude)
    {
        const int lowest = 10_000;
        var taken = new HashSet<int>(exclude);
        var ports = new List<int>();
        var upper = EphemeralRangeStart();
        for (var attempt = 0; ports.Count < count && attempt < count * 20; attempt++)
        {
            var port = Random.Shared.Next(lowest, upper);
            if (taken.Add(port) && IsFree(port))
            {
                ports.Add(port);
            }
        }

        return ports.Count == count ? ports : throw new BenchmarkException($"found only {ports.Count} of {count} unused ports on 127.0.0.1");
    }

    /// <summary>Whether nothing listens on this loopback port now (a listener could bind it).</summary>
    internal static bool IsFree(int port)
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
