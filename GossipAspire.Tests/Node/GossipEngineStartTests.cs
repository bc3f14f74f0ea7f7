using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// How a node comes in and comes back, on engines wired in memory: the book it starts with spreads once it has
/// joined, a peer learned later gets a node's current entry at once, and a node that was paused announces again.
/// None of these tests runs an anti-entropy round beyond the one a join makes with its seed.
/// </summary>
public sealed class GossipEngineStartTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task Join_AnnouncesTheStartingBookAsCounterOne_Once()
    {
        var seed = _network.Add("5001");
        var node = _network.Add("5002");
        seed.AnnounceStart();
        var startingBook = node.Current.Book;

        await node.JoinAsync("5001", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        var requestsAfterJoin = node.Stats.RequestsSent;
        node.AnnounceStart(); // already announced by the join: nothing more
        await _network.SettleAsync(TimeSpan.Zero);

        var (version, book) = node.Current;
        Assert.Equal(startingBook, book);
        Assert.Equal(1, version & ((1 << GossipEngine.GenerationShift) - 1));
        Assert.Equal((version, book), (seed.World["5002"].Version, seed.World["5002"].Book));
        Assert.Equal(requestsAfterJoin, node.Stats.RequestsSent);
        var announced = node.History(0).Events.Last(e => e.Origin == "5002");
        Assert.Equal(0, announced.Hop); // its own change, like a pick
        Assert.Null(announced.From);
    }

    [Fact]
    public async Task NodesJoiningOutOfOrder_AllAgree_WithoutAnAntiEntropyRound()
    {
        // Started together, 5003 reaches its seed 5002 before 5002 has reached its own seed 5001: 5003's
        // announcement finds one peer, and 5001 hears of 5003 only through 5002's join.
        var first = _network.Add("5001");
        var second = _network.Add("5002");
        var third = _network.Add("5003");
        first.AnnounceStart();
        await third.JoinAsync("5002", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        await second.JoinAsync("5001", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        var nodes = new[] { first, second, third };
        foreach (var observer in nodes)
        {
            foreach (var origin in nodes)
            {
                Assert.True(observer.World.TryGetValue(origin.Id, out var held), $"{observer.Id} does not know {origin.Id}");
                Assert.Equal(origin.Current.Version, held.Version);
            }

            Assert.Equal(nodes.Length - 1, observer.PeerCount);
        }
    }

    [Fact]
    public async Task NewPeer_BeforeTheFirstAnnouncement_IsSentNothing()
    {
        var node = _network.Add("5001");
        _network.Add("5002");

        node.Introduce("5002");
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(0, node.Stats.RequestsSent);
    }

    [Fact]
    public async Task Resumed_AfterPeersDroppedIt_IsLearnedAgainByEvery_AndGetsTheirNewsBack()
    {
        _network.Add("5001", o => o.PeerFailureLimit = 3);
        _network.Add("5002");
        _network.Add("5003", o => o.PeerFailureLimit = 3);
        _network.Mesh();
        foreach (var id in new[] { "5001", "5002", "5003" })
        {
            _network[id].AnnounceStart();
        }

        await _network.SettleAsync(TimeSpan.Zero);

        // 5002 is frozen: the others' picks to it fail until they drop it.
        _network.Down.Add("5002");
        var (v1, _) = _network["5001"].Pick();
        var (v3, _) = _network["5003"].Pick();
        await _network.SettleAsync(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain("5002", _network["5001"].Peers);
        Assert.DoesNotContain("5002", _network["5003"].Peers);

        _network.Down.Remove("5002");
        _network["5002"].Resumed(TimeSpan.FromSeconds(20));
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Contains("5002", _network["5001"].Peers);
        Assert.Contains("5002", _network["5003"].Peers);
        Assert.Equal(v1, _network["5002"].World["5001"].Version);
        Assert.Equal(v3, _network["5002"].World["5003"].Version);
    }
}
