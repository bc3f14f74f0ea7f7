using System.Diagnostics;
using System.Globalization;

namespace GossipAspire.Benchmark.Gem;

/// <summary>
/// A chain on loopback alternating our node processes and stand-in gem nodes, ours first, each seeded with the one
/// before it (so every gem node joins one of ours, and every node of ours after the first joins a gem node), each
/// started once its seed answers. Disposing stops the gem nodes and the processes, by process group.
/// </summary>
public sealed class MixedNetwork : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly List<NodeProcess> _processes = [];
    private readonly List<NodeClient> _ours = [];
    private readonly List<GemPeer> _gems = [];
    private readonly List<string> _ids = [];

    private MixedNetwork(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>Every node's id, in chain order.</summary>
    public IReadOnlyList<string> Ids => _ids;

    public IReadOnlyList<NodeClient> Ours => _ours;

    public IReadOnlyList<GemPeer> Gems => _gems;

    public IReadOnlyList<NodeProcess> Processes => _processes;

    public static async Task<MixedNetwork> StartAsync(NodeCommand command, MixedSettings settings, IReadOnlyList<string> books, Action<string> log, CancellationToken cancellationToken)
    {
        var ports = settings.BasePort is { } basePort ? LocalCluster.CheckedPorts(basePort, settings.Nodes) : LocalCluster.FreePorts(settings.Nodes);
        log($"starting {settings.OurNodes} nodes of ours and {settings.GemNodes} stand-in gem nodes, alternating, on 127.0.0.1:{ports[0]}-{ports[^1]}: {command.Description}");
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseProxy = false };
        var network = new MixedNetwork(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
        try
        {
            string[] arguments = [$"--Gossip:PickInterval={Duration.ToConfiguration(settings.PickInterval)}"];
            for (var i = 0; i < ports.Count; i++)
            {
                int? seed = i == 0 ? null : ports[i - 1];
                if (i % 2 == 0)
                {
                    await network.StartOursAsync(command, new NodeLaunch(ports[i], seed, arguments), cancellationToken);
                }
                else
                {
                    network._gems.Add(await GemPeer.StartAsync(
                        new GemPeerOptions { Port = ports[i], Seed = seed, PushInterval = settings.GemPush, PickInterval = settings.GemPick, Books = books, Log = log },
                        cancellationToken));
                }

                network._ids.Add(ports[i].ToString(CultureInfo.InvariantCulture));
            }

            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Our nodes that died while they should have been running, with their last words.</summary>
    public IReadOnlyList<string> Casualties() =>
        [.. _processes.Where(p => p.HasExited).Select(p => $"node {p.Id} exited with code {p.Exited.Result}: {string.Join(" | ", p.RecentOutput.TakeLast(5))}")];

    public async ValueTask DisposeAsync()
    {
        foreach (var gem in _gems)
        {
            await gem.DisposeAsync();
        }

        await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Http.Dispose();
    }

    private async Task StartOursAsync(NodeCommand command, NodeLaunch launch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var process = await NodeProcess.StartAsync(command, launch);
        _processes.Add(process);
        var client = new NodeClient(Http, process.Id, new Uri($"http://127.0.0.1:{launch.Port}"));
        while (!await client.IsHealthyAsync(TimeSpan.FromSeconds(2), cancellationToken))
        {
            if (process.HasExited || clock.Elapsed > s_startTimeout)
            {
                throw new BenchmarkException(
                    $"node {process.Id} did not answer /health{(process.HasExited ? $" (it exited with code {await process.Exited})" : string.Empty)}:{Environment.NewLine}{string.Join(Environment.NewLine, process.RecentOutput)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        _ours.Add(client);
    }
}
