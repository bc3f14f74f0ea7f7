using System.Globalization;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>Real node processes over real HTTP: a network of ten forming from one seed each, a crash (kill -9) and a restart.</summary>
// One ten-node cluster at a time with the browser tests' own: three at once starved two cores past every deadline.
[Collection(ProcessCollection.Name)]
public sealed class NodeProcessTests(ITestOutputHelper output)
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task TenNodes_StartedAtOnceAndChained_AllLearnAllTenBooks_AndAKilledNodeRestartedCatchesUpAndItsNextPickWins()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = NodeProcess.FreePorts(10);
        // Long pick interval: the test makes the changes it checks; the network forms and repairs by itself.
        string[] Settings(int k) => k == 0
            ? ["--Gossip:PickInterval=01:00:00"]
            : ["--seed", Text(ports[k - 1]), "--Gossip:PickInterval=01:00:00"];

        var nodes = ports.Select((port, k) => NodeProcess.Start(output, port, Settings(k))).ToList();
        try
        {
            var addresses = nodes.Select(n => n.BaseAddress).ToList();

            await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "all ten knowing all ten books", cts.Token);
            output.WriteLine("converged after the start");

            var (version, book) = await NodeClient.PickAsync(client, addresses[3], cts.Token);
            await NodeClient.WaitUntilAsync(
                client, addresses, states => states.All(s => s.World[Text(ports[3])] == (version, book)), "all holding node 4's new pick", cts.Token);

            // Node 6 crashes. Its peers drop it once requests to it fail; the rest keep agreeing.
            var crashed = nodes[5];
            var oldVersion = (await NodeClient.TryGetStateAsync(client, crashed.BaseAddress, cts.Token))!.Version;
            await crashed.KillAsync();
            await crashed.DisposeAsync();
            var survivors = addresses.Where((_, k) => k != 5).ToList();
            foreach (var survivor in survivors)
            {
                await NodeClient.PickAsync(client, survivor, cts.Token);
            }

            await NodeClient.WaitUntilAsync(
                client,
                survivors,
                states => states.All(s => !s.Peers.Contains(Text(ports[5])))
                    && states.All(o => states.All(p => o.World[p.Id].Version == p.Version)),
                "all survivors dropping node 6 and agreeing",
                cts.Token);

            // Restarted on its port with nothing on disk: it catches up at once, and its new pick wins everywhere.
            nodes[5] = NodeProcess.Start(output, ports[5], Settings(5));
            var states = await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "the restarted node caught up", cts.Token);
            Assert.True(states[5].Version > oldVersion, $"restarted version {states[5].Version} must exceed {oldVersion}");

            var (nextVersion, nextBook) = await NodeClient.PickAsync(client, addresses[5], cts.Token);
            Assert.True(nextVersion > oldVersion, $"the restarted node's next pick v{nextVersion} must exceed v{oldVersion} from before the kill");
            await NodeClient.WaitUntilAsync(
                client, addresses, all => all.All(s => s.World[Text(ports[5])] == (nextVersion, nextBook)), "every node holding the restarted node's next pick", cts.Token);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("--port", "0", "Gossip:Port")]
    [InlineData("--port", "70000", "Gossip:Port")]
    [InlineData("--seed", "not a seed", "Gossip:Seed")]
    [InlineData("--Gossip:PickInterval", "soon", "Gossip:PickInterval")]
    [InlineData("--Gossip:Ttl", "0", "Gossip:Ttl")]
    [InlineData("--Gossip:MaxClockSkew", "00:00:00", "Gossip:MaxClockSkew")]
    [InlineData("--Gossip:MaxPayloadBytes", "100", "Gossip:MaxPayloadBytes")]
    [InlineData("--Gossip:MaxPeers", "0", "Gossip:MaxPeers")]
    [InlineData("--Gossip:ForgetAfter", "-00:01:00", "Gossip:ForgetAfter")]
    [InlineData("--Gossip:AllowedHosts", "not a host!", "Gossip:AllowedHosts")]
    [InlineData("--seed", "10.0.0.2:5001", "Gossip:Seed")]
    [InlineData("--Gossip:BooksFile", "no-such-books.txt", "no-such-books.txt")]
    [InlineData("--Gossip:Keys:0", "too-short", "Gossip:Keys:0 must be at least 16 characters")]
    [InlineData("--Gossip:Keys", "one-key-not-a-list-0123", "Gossip:Keys is a list")]
    public async Task BadSetting_StopsWithOneClearLineAndANonZeroExit(string option, string value, string named)
    {
        await using var node = NodeProcess.Start(output, [option, value]);

        var exitCode = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100); // let the last stderr line arrive

        Assert.NotEqual(0, exitCode);
        var lines = node.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("gossip node: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_StopsWithOneLineNamingThePort()
    {
        var port = NodeProcess.FreePorts(1)[0];
        await using var first = NodeProcess.Start(output, port, "--Gossip:PickInterval=01:00:00");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await NodeClient.WaitUntilAsync(client, [first.BaseAddress], _ => true, "the first node up", cts.Token);

        await using var second = NodeProcess.Start(output, port);
        var exitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100);

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(second.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Text(port), line, StringComparison.Ordinal);
    }
}
