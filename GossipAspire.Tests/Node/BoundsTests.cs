using System.Globalization;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>State is bounded (issue 9, section 2): peers, origins, forgotten origins, digest answers.</summary>
public sealed class BoundsTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    private static string Id(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static GossipEnvelope News(string sender, string origin, long version) =>
        new(sender, [new GossipMessage(Guid.NewGuid().ToString(), origin, 1, new GossipPayload(version, "Book 2 by Author 2"))]);

    [Fact]
    public async Task Peers_AtMaxPeers_NoFurtherIdIsLearned_UntilAPeerIsDropped()
    {
        var node = _network.Add("5001", o =>
        {
            o.MaxPeers = 3;
            o.PeerFailureLimit = 1;
        });
        _network.Add("5002");
        _network.Add("5006"); // answers, so it stays once learned (a new peer is sent the node's entry at once)
        for (var port = 5002; port <= 5006; port++)
        {
            node.Introduce(Id(port));
        }

        Assert.Equal(["5002", "5003", "5004"], node.Peers);

        node.Pick(); // 5003 and 5004 are not nodes of this network: their requests fail and they are dropped
        await _network.SettleAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(["5002"], node.Peers);

        node.Introduce("5006");
        Assert.Equal(["5002", "5006"], node.Peers);
    }

    [Fact]
    public void Peers_AnEnvelopeFromAFurtherSender_IsStillTaken()
    {
        var node = _network.Add("5001", o => o.MaxPeers = 1);
        node.Introduce("5002");

        node.Receive(News("5003", "5002", 7), GossipHeaders.None);

        Assert.Equal(["5002"], node.Peers);
        Assert.Equal(7, node.World["5002"].Version);
    }

    [Fact]
    public void World_AtMaxPeersOtherOrigins_RefusesNewsOfAFurtherOne_AndKeepsTakingNewsOfThoseItHolds()
    {
        var node = _network.Add("5001", o => o.MaxPeers = 2);

        for (var port = 6001; port <= 6005; port++)
        {
            node.Receive(News("5002", Id(port), 1), GossipHeaders.None);
        }

        node.Receive(News("5002", "6001", 2), GossipHeaders.None);

        Assert.Equal(["5001", "6001", "6002"], node.World.Keys);
        Assert.Equal(2, node.World["6001"].Version);
        Assert.Equal(3, node.RefusedByReason["origin_limit"]);
    }

    [Fact]
    public void World_UnderAFloodOfFakeOrigins_StaysWithinItsBound()
    {
        // Issue 9: 51 fake origins from valid bodies stayed on every node for good.
        var node = _network.Add("5001", o => o.MaxPeers = 50);
        var messages = Enumerable.Range(10_000, 2000)
            .Select(port => new GossipMessage(Guid.NewGuid().ToString(), Id(port), 1, new GossipPayload(1, "Book 2 by Author 2")))
            .ToList();

        node.Receive(new GossipEnvelope("5002", messages), GossipHeaders.None);

        Assert.Equal(51, node.World.Count);
        Assert.True(node.PeerCount <= 50);
        Assert.Equal(2000 - 50, node.RefusedByReason["origin_limit"]);
    }
}
