using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Authenticated gossip with real node processes over real HTTP (docs/PROTOCOL.md, section 10): a keyed cluster
/// agrees, a node with the wrong key is shut out and learns nothing, and a key rotation done by restarting the
/// nodes one at a time never stops them agreeing.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AuthenticatedClusterTests(ITestOutputHelper output)
{
    private const string KeyA = "rotation-key-A-0123456789abcdef";
    private const string KeyB = "rotation-key-B-fedcba9876543210";
    private const string WrongKey = "a-key-nobody-else-has-00000000";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ring as environment variables, as the AppHost passes a secret: Gossip__Keys__0, __1, ...</summary>
    private static Dictionary<string, string> Ring(params string[] keys) =>
        keys.Select((key, i) => (key, i)).ToDictionary(k => $"Gossip__Keys__{k.i}", k => k.key);

    private NodeProcess Start(int port, int? seed, params string[] keys)
    {
        string[] arguments = seed is { } s
            ? ["--port", Text(port), "--seed", Text(s), "--Gossip:PickInterval=01:00:00"]
            : ["--port", Text(port), "--Gossip:PickInterval=01:00:00"];
        return NodeProcess.Start(output, arguments, port, Ring(keys));
    }

    private static async Task<(long Messages, long Requests)> RefusedAsync(HttpClient client, Uri node, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri(node, "state/"), cancellationToken));
        var stats = document.RootElement.GetProperty("stats");
        return (stats.GetProperty("messages_refused").GetInt64(), stats.GetProperty("requests_refused").GetInt64());
    }

    private static async Task AssertNothingRefusedAsync(HttpClient client, IEnumerable<Uri> nodes, CancellationToken cancellationToken)
    {
        foreach (var node in nodes)
        {
            Assert.Equal((0L, 0L), await RefusedAsync(client, node, cancellationToken));
        }
    }

    [Fact]
    public async Task KeyedCluster_OfFour_Converges_AndEveryPickReachesEveryone_WithNothingRefused()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = NodeProcess.FreePorts(4);
        var nodes = ports.Select((port, k) => Start(port, k == 0 ? null : ports[k - 1], KeyA)).ToList();
        try
        {
            var addresses = nodes.Select(n => n.BaseAddress).ToList();
            await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "the keyed four agreeing after the start", cts.Token);

            foreach (var address in addresses)
            {
                await NodeClient.PickAsync(client, address, cts.Token);
            }

            var states = await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "the keyed four agreeing on four new picks", cts.Token);
            Assert.All(states, s => Assert.Equal(3, s.Peers.Count)); // the joins, MACed, all went through
            await AssertNothingRefusedAsync(client, addresses, cts.Token);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task WrongKey_IsRefusedByTheOthers_AndNobodyLearnsAnythingForged()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = NodeProcess.FreePorts(4);
        var nodes = ports.Take(3).Select((port, k) => Start(port, k == 0 ? null : ports[k - 1], KeyA)).ToList();
        try
        {
            var keyed = nodes.Select(n => n.BaseAddress).ToList();
            var before = await NodeClient.WaitUntilAsync(client, keyed, NodeClient.Converged, "the keyed three agreeing", cts.Token);

            // A node with another key joins through the first: its MACed join is refused, again and again.
            var wrong = Start(ports[3], ports[0], WrongKey);
            nodes.Add(wrong);
            await NodeClient.WaitUntilAsync(client, [keyed[0], wrong.BaseAddress], _ => true, "the wrong-keyed node up", cts.Token);
            while ((await RefusedAsync(client, keyed[0], cts.Token)).Requests < 2)
            {
                await Task.Delay(100, cts.Token);
            }

            // It is made to speak anyway: told of the first node (an envelope names it), it pushes a signed pick there.
            using (var hello = await client.PostAsync(
                new Uri(wrong.BaseAddress, "gossip/"), new StringContent($$"""{"client_id":"{{ports[0]}}","messages":[]}""", Encoding.UTF8, "application/json"), cts.Token))
            {
                hello.EnsureSuccessStatusCode();
            }

            await NodeClient.PickAsync(client, wrong.BaseAddress, cts.Token);
            while ((await RefusedAsync(client, keyed[0], cts.Token)).Messages < 1)
            {
                await Task.Delay(100, cts.Token);
            }

            // And someone without any key forges node 2's next version straight into node 1, as in issue 9.
            var forgedVersion = before[1].Version + 1000;
            var forged = $$$"""{"client_id":"{{{ports[3]}}}","messages":[{"uuid":"forged","client_id":"{{{ports[1]}}}","ttl":3,"payload":{"version":{{{forgedVersion}}},"book":"Forged by Nobody"}}]}""";
            using (var post = await client.PostAsync(new Uri(keyed[0], "gossip/"), new StringContent(forged, Encoding.UTF8, "application/json"), cts.Token))
            {
                Assert.Equal("""{"status":"OK"}""", await post.Content.ReadAsStringAsync(cts.Token));
            }

            // The keyed nodes go on agreeing among themselves, and hold nothing of the wrong node nor the forgery. The
            // first one is reminded of the wrong node just before it picks (its refused digests may have dropped it),
            // so that pick is pushed there too.
            using (var again = await client.PostAsync(
                new Uri(keyed[0], "gossip/"), new StringContent($$"""{"client_id":"{{ports[3]}}","messages":[]}""", Encoding.UTF8, "application/json"), cts.Token))
            {
                again.EnsureSuccessStatusCode();
            }

            var (version, book) = await NodeClient.PickAsync(client, keyed[0], cts.Token);
            var states = await NodeClient.WaitUntilAsync(
                client, keyed, s => NodeClient.Converged(s) && s.All(o => o.World[Text(ports[0])] == (version, book)), "the keyed three agreeing on a new pick", cts.Token);
            Assert.All(states, s => Assert.False(s.World.ContainsKey(Text(ports[3])), $"{s.Id} holds the wrong-keyed node's book"));
            Assert.All(states, s => Assert.Equal(before[1].Version, s.World[Text(ports[1])].Version));
            var (messages, requests) = await RefusedAsync(client, keyed[0], cts.Token);
            Assert.Equal(2, messages); // the wrong node's pick and the forgery
            Assert.True(requests >= 2, $"only {requests} requests refused");

            // The wrong node learned nothing either: the first node's push of that pick reaches it and is refused.
            while ((await RefusedAsync(client, wrong.BaseAddress, cts.Token)).Messages < 1)
            {
                await Task.Delay(100, cts.Token);
            }

            var mine = (await NodeClient.TryGetStateAsync(client, wrong.BaseAddress, cts.Token))!;
            Assert.Equal([Text(ports[3])], mine.World.Keys);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task KeyRotation_ByRestartingOneNodeAtATime_NeverStopsAgreement()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = NodeProcess.FreePorts(4); // the last: an origin id nothing listens on
        var nodes = ports.Take(3).Select((port, k) => Start(port, k == 0 ? null : ports[k - 1], KeyA)).ToList();
        try
        {
            var addresses = nodes.Select(n => n.BaseAddress).ToList();
            await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "the three agreeing on key A", cts.Token);

            // The documented rotation: add the new key second everywhere, make it first everywhere, drop the old.
            string[][] steps = [[KeyA, KeyB], [KeyB, KeyA], [KeyB]];
            foreach (var ring in steps)
            {
                for (var k = 0; k < nodes.Count; k++)
                {
                    output.WriteLine($"--- node {ports[k]} restarts with ring [{string.Join(", ", ring.Select(r => r[..14]))}]");
                    await nodes[k].KillAsync();

                    // The two still up keep agreeing while it is down.
                    var survivors = addresses.Where((_, i) => i != k).ToList();
                    var (version, book) = await NodeClient.PickAsync(client, survivors[0], cts.Token);
                    var survivor = ports[addresses.IndexOf(survivors[0])];
                    await NodeClient.WaitUntilAsync(
                        client, survivors, s => s.All(o => o.World[Text(survivor)] == (version, book)), $"the survivors agreeing while {ports[k]} is down", cts.Token);

                    nodes[k] = Start(ports[k], ports[(k + 1) % nodes.Count], ring);
                    await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, $"all three agreeing after {ports[k]} restarted", cts.Token);
                    await AssertNothingRefusedAsync(client, addresses, cts.Token);
                }
            }

            // Key A is gone from every ring: something signed with it is now refused everywhere.
            var stale = new GossipAspire.Node.Gossip.Keyring([KeyA]);
            var nobody = Text(ports[3]);
            var signature = stale.Sign("after-rotation", nobody, 1, "Old by Key", null);
            var message = $$$"""{"client_id":"{{{nobody}}}","messages":[{"uuid":"after-rotation","client_id":"{{{nobody}}}","ttl":1,"payload":{"version":1,"book":"Old by Key","sig":"{{{signature}}}"}}]}""";
            using var post = await client.PostAsync(new Uri(addresses[0], "gossip/"), new StringContent(message, Encoding.UTF8, "application/json"), cts.Token);
            Assert.Equal((1L, 0L), await RefusedAsync(client, addresses[0], cts.Token));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
