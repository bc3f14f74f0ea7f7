using System.Globalization;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>Names of peers that never answer, as a stranger can hand them out: each costs a node a request or two.</summary>
public sealed class StrangerPeerTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task HundredsOfFakeIds_EachCostsEveryNodeARequestOrTwo_AreAllDropped_AndRealPicksStillSpread()
    {
        _network.Add("5001");
        _network.Add("5002");
        _network.Mesh();
        _network["5001"].AnnounceStart();
        _network["5002"].AnnounceStart();
        await _network.SettleAsync(TimeSpan.Zero);
        var fakes = Enumerable.Range(6000, 200).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();
        _network.Down.UnionWith(fakes);

        // Each fake names itself as the sender and as the origin of one message, ttl 3: 5001 forwards it to 5002.
        foreach (var fake in fakes)
        {
            _network["5001"].Receive(new GossipEnvelope(fake, [new GossipMessage(Guid.NewGuid().ToString(), fake, 3, new GossipPayload(1, "Book 1 by Author 1"))]), GossipHeaders.None);
        }

        await _network.SettleAsync(TimeSpan.FromSeconds(3));

        foreach (var id in new[] { "5001", "5002" })
        {
            var node = _network[id];
            Assert.Equal(fakes.Count, fakes.Count(node.World.ContainsKey)); // taken as news everywhere
            // No retries and no forwards to them: one request each where a fake was only news (5002), two where it
            // was also the sender (5001 learns it, drops it at the failure, then its own news names it again).
            Assert.InRange(node.Stats.RequestsFailed, fakes.Count, 2 * fakes.Count);
            Assert.Equal([id == "5001" ? "5002" : "5001"], node.Peers);
        }

        var (version, _) = _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(version, _network["5002"].World["5001"].Version);
    }
}
