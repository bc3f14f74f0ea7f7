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

    [Fact]
    public async Task NewPeer_LeftOutOfAForwardWhileItsFirstRequestIsInFlight_GetsItWhenItAnswers()
    {
        _network.Add("5001");
        _network.Add("5002");
        _network["5001"].AnnounceStart();
        _network["5002"].AnnounceStart();
        await _network.SettleAsync(TimeSpan.Zero);

        // 5001 learns 5002 and welcomes it; that first request is slow to arrive.
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _network.Hold = (from, to) => from == "5001" && to == "5002" ? slow.Task : null;
        _network["5001"].Introduce("5002");

        // Meanwhile news of 5009 (a node 5002 does not know) reaches 5001, which would forward it to 5002, but 5002
        // is on probation: one request at a time while it has never answered.
        _network["5001"].Receive(new GossipEnvelope("5003", [new GossipMessage(Guid.NewGuid().ToString(), "5009", 3, new GossipPayload(4, "Book 4 by Author 4"))]), GossipHeaders.None);
        await Task.Delay(50);
        Assert.False(_network["5002"].World.ContainsKey("5009"));

        _network.Hold = (_, _) => null;
        slow.SetResult();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(4, _network["5002"].World["5009"].Version); // its first answer brought it up to date
        Assert.Equal(_network["5002"].Current.Version, _network["5001"].World["5002"].Version);
    }
}
