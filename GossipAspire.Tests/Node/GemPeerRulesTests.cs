using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// The rules for gem-protocol peers (docs/PROTOCOL.md, section 5, "Gem peers") on engines wired in memory under fake
/// time: a peer whose digest answer is 404 stays a peer, gets no digests and gets the push substitute instead, and is
/// asked again after <c>Gossip:GemProbeInterval</c> or at once when it shows it speaks our protocol. The same rules
/// against the stand-in gem and real nodes are in <c>GemInteropTests</c>.
/// </summary>
public sealed class GemPeerRulesTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task Digest_PeerAnswers404_IsMarkedGemNotCountedAsFailureAndStaysAPeer()
    {
        var node = _network.Add("5001", o => o.PeerFailureLimit = 1);
        _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();

        for (var round = 0; round < 3; round++)
        {
            await node.RunAntiEntropyAsync(CancellationToken.None);
            await _network.SettleAsync(TimeSpan.Zero);
        }

        Assert.Contains("5002", node.Peers);
        Assert.Equal(["5002"], node.GemProtocolPeers);
        Assert.Equal(0, node.Stats.RequestsFailed);
        Assert.Equal(1, _network.DigestsTo["5002"]); // the first round found out; the next two pushed instead
    }

    [Fact]
    public async Task AntiEntropy_GemPeerMissedAPush_CatchesUpThroughThePushSubstitute()
    {
        var node = _network.Add("5001");
        var other = _network.Add("5003");
        var gem = _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();
        var (otherVersion, _) = other.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        // 5001's pick never reaches the gem node, though 5001 thinks it did.
        _network.Swallow = (from, to) => from == "5001" && to == "5002";
        var (version, book) = node.Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.NotEqual(version, gem.World.GetValueOrDefault("5001")?.Version);
        _network.Swallow = (_, _) => false;

        // Rounds with random peers: the first with 5002 is a digest that gets 404, every later one the push substitute.
        for (var round = 0; round < 20 && gem.World.GetValueOrDefault("5001")?.Version != version; round++)
        {
            await node.RunAntiEntropyAsync(CancellationToken.None);
            await _network.SettleAsync(TimeSpan.Zero);
        }

        Assert.Equal((version, book), (gem.World["5001"].Version, gem.World["5001"].Book));
        Assert.Equal(otherVersion, gem.World["5003"].Version);
        Assert.Equal(1, _network.DigestsTo["5002"]);
        var caughtUp = Assert.Single(gem.History(0).Events, e => e.Origin == "5001" && e.Version == version);
        Assert.Equal("5001", caughtUp.From);
        Assert.False(caughtUp.Repair); // a push, as the gem learns everything
        Assert.Null(caughtUp.Hop); // a repair copy says no hop
    }

    [Fact]
    public async Task PushSubstitute_NeverSendsAGemItsOwnEntry_NorAnUnannouncedOne()
    {
        var node = _network.Add("5001");
        _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();
        var (gemVersion, _) = _network["5002"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(gemVersion, node.World["5002"].Version);

        await node.RunAntiEntropyAsync(CancellationToken.None); // digest, 404, substitute
        await _network.SettleAsync(TimeSpan.Zero);

        // 5001 had not announced its own book and the gem's own entry is the gem's: nothing to send, nothing sent.
        Assert.Equal(0, node.Stats.MessagesSent);
        Assert.Equal(1, node.Stats.RequestsSent);
    }

    [Fact]
    public async Task GemMark_AfterTheProbeInterval_AsksForADigestAgain()
    {
        var node = _network.Add("5001", o => o.GemProbeInterval = TimeSpan.FromSeconds(30));
        _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();

        await node.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.FromSeconds(29));
        await node.RunAntiEntropyAsync(CancellationToken.None);
        Assert.Equal(1, _network.DigestsTo["5002"]);

        // One of our nodes has taken the port over meanwhile: the probe finds it, and it is an ordinary peer again.
        _network.GemProtocol.Remove("5002");
        await _network.SettleAsync(TimeSpan.FromSeconds(2));
        await node.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(2, _network.DigestsTo["5002"]);
        Assert.Empty(node.GemProtocolPeers);
        Assert.Contains("5002", node.Peers);
    }

    [Fact]
    public async Task GemMark_PeerPushesWithOurHeaders_IsOursAgainAtOnce()
    {
        var node = _network.Add("5001");
        var peer = _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();
        await node.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(["5002"], node.GemProtocolPeers);

        // A gem's push carries no X-Gossip-* header and changes nothing.
        node.Receive(new GossipEnvelope("5002", []), GossipHeaders.None);
        Assert.Equal(["5002"], node.GemProtocolPeers);

        // Our node on that port picks: its push names the covered peers and its world hash.
        _network.GemProtocol.Remove("5002");
        peer.Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Empty(node.GemProtocolPeers);

        await node.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(2, _network.DigestsTo["5002"]);
    }

    [Fact]
    public async Task GemMark_PeerSendsADigest_IsOursAgainAtOnce()
    {
        var node = _network.Add("5001");
        var peer = _network.Add("5002");
        _network.GemProtocol.Add("5002");
        _network.Mesh();
        await node.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(["5002"], node.GemProtocolPeers);

        await peer.RunAntiEntropyAsync(CancellationToken.None); // only our nodes send digests
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Empty(node.GemProtocolPeers);
    }

    [Fact]
    public async Task Join_ThroughAGemSeed_MarksItAndPushesInsteadOfPulling()
    {
        var first = _network.Add("5003");
        first.Pick();
        var gem = _network.Add("5002");
        _network.GemProtocol.Add("5002");
        gem.Introduce("5003");
        var joiner = _network.Add("5001");

        var join = joiner.JoinAsync("5002", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero, join);

        Assert.Equal(["5002"], joiner.GemProtocolPeers);
        Assert.Contains("5002", joiner.Peers);
        Assert.Contains("5003", joiner.Peers); // from the seed's answer to GET /peers/5001
        Assert.Equal(0, joiner.Stats.RequestsFailed);
    }
}
