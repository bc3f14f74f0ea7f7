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

    [Fact]
    public void Forget_AnOriginSilentForForgetAfter_IsDropped_ButNeverTheNodeItself()
    {
        var node = _network.Add("5001", o => o.ForgetAfter = TimeSpan.FromMinutes(10));
        node.Receive(News("5003", "6001", 1), GossipHeaders.None);
        _network.Time.Advance(TimeSpan.FromMinutes(9));
        node.Receive(News("5003", "6002", 1), GossipHeaders.None);
        _network.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(["6001"], node.ForgetSilent());
        Assert.Equal(["5001", "6002"], node.World.Keys);

        _network.Time.Advance(TimeSpan.FromHours(1));
        node.ForgetSilent();
        Assert.Equal(["5001"], node.World.Keys);
    }

    [Fact]
    public void Forget_AnOriginThatKeepsSpeakingToTheNode_IsKeptWithoutNewVersions()
    {
        var node = _network.Add("5001", o => o.ForgetAfter = TimeSpan.FromMinutes(10));
        node.Receive(News("5002", "5002", 1), GossipHeaders.None);

        for (var minute = 0; minute < 30; minute += 5)
        {
            _network.Time.Advance(TimeSpan.FromMinutes(5));
            node.AnswerDigest(new DigestRequest("5002", new Dictionary<string, long>()));
            node.ForgetSilent();
        }

        Assert.Equal(1, node.World["5002"].Version);
    }

    [Fact]
    public void Forget_AForgottenOrigin_ComesBackOnlyWithANewerVersionOrItsOwnVoice()
    {
        var node = _network.Add("5001", o => o.ForgetAfter = TimeSpan.FromMinutes(10));
        node.Receive(News("5003", "6001", 4), GossipHeaders.None);
        _network.Time.Advance(TimeSpan.FromMinutes(11));
        node.ForgetSilent();

        node.Receive(News("5003", "6001", 4), GossipHeaders.None); // a copy another node still holds
        Assert.False(node.World.ContainsKey("6001"));

        node.Receive(News("5003", "6001", 5), GossipHeaders.None);
        Assert.Equal(5, node.World["6001"].Version);
    }

    [Fact]
    public async Task Forget_InANetwork_AQuietLiveNodeStays_AndADeadOneGoes()
    {
        foreach (var id in new[] { "5001", "5002", "5003" })
        {
            _network.Add(id, o => o.ForgetAfter = TimeSpan.FromMinutes(10));
        }

        _network.Mesh();
        foreach (var id in new[] { "5001", "5002", "5003" })
        {
            _network[id].Pick();
        }

        await _network.SettleAsync(TimeSpan.Zero);
        _network.Down.Add("5003");
        for (var minute = 0; minute < 15; minute++)
        {
            _network.Time.Advance(TimeSpan.FromMinutes(1));
            await _network["5001"].RunAntiEntropyAsync(CancellationToken.None);
            await _network["5002"].RunAntiEntropyAsync(CancellationToken.None);
            await _network.SettleAsync(TimeSpan.Zero);
            _network["5001"].ForgetSilent();
        }

        Assert.Equal(["5001", "5002"], _network["5001"].World.Keys);
    }

    [Fact]
    public async Task Digest_AnswerIsBounded_AndTheCallerAsksAgainUntilItHasEverything()
    {
        var full = _network.Add("5001", o => o.MaxBodyBytes = 4096);
        var empty = _network.Add("5002");
        full.Receive(new GossipEnvelope("5003", [.. Enumerable.Range(6000, 200).Select(port =>
            new GossipMessage(Guid.NewGuid().ToString(), Id(port), 1, new GossipPayload(1, "Book 2 by Author 2")))]), GossipHeaders.None);

        var first = full.AnswerDigest(new DigestRequest("5002", new Dictionary<string, long>()));
        Assert.True(first.More);
        Assert.InRange(Wire.WriteDigestReply(first).Length, 1, 4096);
        Assert.InRange(first.Messages.Count, 1, 199);

        empty.Introduce("5001");
        await empty.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(200, empty.World.Keys.Count(k => k.StartsWith('6')));
    }

    [Fact]
    public void Digest_AnswerThatFitsWhole_SaysNothingMore()
    {
        var node = _network.Add("5001");
        node.Pick();

        var reply = node.AnswerDigest(new DigestRequest("5002", new Dictionary<string, long>()));

        Assert.False(reply.More);
        Assert.DoesNotContain("more", System.Text.Encoding.UTF8.GetString(Wire.WriteDigestReply(reply)), StringComparison.Ordinal);
    }
}
