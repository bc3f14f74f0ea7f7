using System.Globalization;
using System.Text.Json;
using GossipAspire.Benchmark.Gem;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Real node processes and the stand-in gem node (<see cref="GemPeer"/>, at faster intervals than the gem's) in one
/// network, over real HTTP on loopback (issue 9, section 1): our pushes reach a gem node on its exact path and it
/// learns our books, our nodes learn the gem's picks, a gem peer is neither dropped for its 404 to <c>/digest/</c>
/// nor asked again, and a gem node that missed a push catches up through the push substitute.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GemInteropTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(120);
    private readonly List<NodeProcess> _nodes = [];
    private readonly List<GemPeer> _gems = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var gem in _gems)
        {
            await gem.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _http.Dispose();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Our node: picks only when the test asks, repairs every 300 ms so the test need not wait for it.</summary>
    private async Task<NodeProcess> StartNodeAsync(int port, int? seed)
    {
        string[] arguments = seed is { } s
            ? ["--seed", Text(s), "--Gossip:PickInterval=01:00:00", "--Gossip:AntiEntropyInterval=00:00:00.300"]
            : ["--Gossip:PickInterval=01:00:00", "--Gossip:AntiEntropyInterval=00:00:00.300"];
        var node = NodeProcess.Start(output, port, arguments);
        _nodes.Add(node);
        await WaitAsync(async token => await StateAsync(node, token) is not null, $"node {port} answering /state/");
        return node;
    }

    private async Task<GemPeer> StartGemAsync(int port, int seed, TimeSpan push, TimeSpan pick)
    {
        var gem = await GemPeer.StartAsync(
            new GemPeerOptions
            {
                Port = port,
                Seed = seed,
                PushInterval = push,
                PickInterval = pick,
                RequestTimeout = TimeSpan.FromSeconds(5),
                Log = line => Write($"[gem {port}] {line}"),
            },
            Token());
        _gems.Add(gem);
        return gem;
    }

    [Fact]
    public async Task MixedChain_OursAndGemAlternating_EachLearnsTheOthersBooks_AndGemPeersStayWithoutDigests()
    {
        var ports = NodeProcess.FreePorts(4);
        var first = await StartNodeAsync(ports[0], seed: null);
        var gem1 = await StartGemAsync(ports[1], seed: ports[0], push: TimeSpan.FromSeconds(1), pick: TimeSpan.FromSeconds(1.5));
        var second = await StartNodeAsync(ports[2], seed: ports[1]); // joins through a gem node
        var gem3 = await StartGemAsync(ports[3], seed: ports[2], push: TimeSpan.FromSeconds(1), pick: TimeSpan.FromSeconds(1.5));
        GemPeer[] gems = [gem1, gem3];
        NodeProcess[] ours = [first, second];

        // Our picks reach both gem nodes, on the gem's exact path, in envelopes it takes (no 500).
        var picks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in ours)
        {
            var (version, _) = await NodeClient.PickAsync(_http, node.BaseAddress, Token());
            picks[Text(node.Port)] = version;
        }

        await WaitAsync(
            _ => Task.FromResult(gems.All(g => picks.All(p => g.Books.TryGetValue(p.Key, out var held) && held.Version >= p.Value))),
            "both gem nodes holding both our picks");
        foreach (var gem in gems)
        {
            var fromOurs = gem.Requests.Where(r => r.Sender is { } s && picks.ContainsKey(s) && r.Method == "POST").ToList();
            Assert.Contains(fromOurs, r => r.Path == "/gossip");
            Assert.All(fromOurs.Where(r => r.Path.StartsWith("/gossip", StringComparison.Ordinal)), r => Assert.Equal(("/gossip", 200), (r.Path, r.Status)));
            Assert.DoesNotContain(gem.Requests, r => r.Path == "/gossip/");
        }

        // Our nodes learn the gem nodes' own picks (version 3 or later: picks made after everyone had joined).
        await WaitAsync(
            async token =>
            {
                foreach (var node in ours)
                {
                    var state = await StateAsync(node, token);
                    if (state is null || gems.Any(g => state.Value.World.GetValueOrDefault(g.Id) < 3))
                    {
                        return false;
                    }
                }

                return true;
            },
            "our nodes holding the gem nodes' third picks");

        // Each of our nodes finds out, at its first digest to a gem node, that it is one; several seconds of repair
        // rounds every 300 ms later, every gem node is still a peer of each, and got that one digest from each.
        var gemIds = gems.Select(g => g.Id).ToList();
        await WaitAsync(
            async token =>
            {
                foreach (var node in ours)
                {
                    if (await StateAsync(node, token) is not { } state || gemIds.Except(state.GemPeers).Any())
                    {
                        return false;
                    }
                }

                return true;
            },
            "each of our nodes marking both gem nodes as gem peers");
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var node in ours)
        {
            var state = (await StateAsync(node, Token()))!.Value;
            Write($"{node.Port}: peers [{string.Join(",", state.Peers)}], gem_peers [{string.Join(",", state.GemPeers)}], requests_failed {state.RequestsFailed}");
            Assert.Empty(gemIds.Except(state.Peers));
            Assert.Empty(gemIds.Except(state.GemPeers));
        }

        foreach (var gem in gems)
        {
            var digests = gem.Requests.Where(r => r.Path == "/digest/").ToList();
            Write($"gem {gem.Id}: {digests.Count} digests of {gem.Requests.Count} requests, peers [{string.Join(",", gem.Peers)}]");
            Assert.Equal(ours.Length, digests.Count); // one from each of our nodes, answered 404, and none after it
            Assert.All(digests, r => Assert.Equal(404, r.Status));
        }
    }

    [Fact]
    public async Task GemNode_ThatMissedEveryPush_CatchesUpThroughThePushSubstitute()
    {
        var ports = NodeProcess.FreePorts(3);
        var first = await StartNodeAsync(ports[0], seed: null);
        var second = await StartNodeAsync(ports[1], seed: ports[0]);
        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in new[] { first, second })
        {
            current[Text(node.Port)] = (await NodeClient.PickAsync(_http, node.BaseAddress, Token())).Version;
        }

        // The gem node joins after every pick was made, and its own timers are parked: the only way for it to learn
        // our books is a push from one of our nodes, and none picks again.
        var gem = await StartGemAsync(ports[2], seed: ports[1], push: TimeSpan.FromHours(1), pick: TimeSpan.FromHours(1));

        await WaitAsync(
            _ => Task.FromResult(current.All(c => gem.Books.TryGetValue(c.Key, out var held) && held.Version == c.Value)),
            "the late gem node holding both our current books");

        foreach (var (origin, version) in current)
        {
            var learned = Assert.Single(gem.Learned, l => l.Origin == origin);
            Write($"gem {gem.Id} learned {origin} v{version} from {learned.From} with ttl {learned.Ttl}");
        }

        // The first node does not even know the gem node: its book came from the second, as a substitute's copy (ttl 1).
        var relayed = Assert.Single(gem.Learned, l => l.Origin == Text(first.Port));
        Assert.Equal((Text(second.Port), 1L), (relayed.From, relayed.Ttl));

        var digest = Assert.Single(gem.Requests, r => r.Path == "/digest/");
        Assert.Equal(404, digest.Status);
        Assert.All(gem.Requests.Where(r => r.Method == "POST" && r.Path == "/gossip"), r => Assert.Equal(200, r.Status));
        var state = (await StateAsync(second, Token()))!.Value;
        Assert.Contains(gem.Id, state.Peers);
        Assert.Equal([gem.Id], state.GemPeers);
    }

    private readonly record struct NodeView(IReadOnlyList<string> Peers, IReadOnlyList<string> GemPeers, IReadOnlyDictionary<string, long> World, long RequestsFailed);

    private async Task<NodeView?> StateAsync(NodeProcess node, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri(node.BaseAddress, "state/"), cancellationToken));
            var root = document.RootElement;
            return new NodeView(
                [.. root.GetProperty("peers").EnumerateArray().Select(p => p.GetString()!)],
                [.. root.GetProperty("gem_peers").EnumerateArray().Select(p => p.GetString()!)],
                root.GetProperty("world").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("version").GetInt64(), StringComparer.Ordinal),
                root.GetProperty("stats").GetProperty("requests_failed").GetInt64());
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private static CancellationToken Token() => new CancellationTokenSource(s_deadline).Token;

    private async Task WaitAsync(Func<CancellationToken, Task<bool>> done, string what)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        try
        {
            while (!await done(deadline.Token))
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            foreach (var gem in _gems)
            {
                Write($"gem {gem.Id}: books {{{string.Join(", ", gem.Books.Select(b => $"{b.Key}:v{b.Value.Version}"))}}}, peers [{string.Join(",", gem.Peers)}]");
            }

            throw new TimeoutException($"Not {what} within {s_deadline.TotalSeconds} s.");
        }

        Write($"{what}: done");
    }

    private void Write(string line)
    {
        try
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test is over.
        }
    }
}
