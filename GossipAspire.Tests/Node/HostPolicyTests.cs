using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>Gossip:AllowedHosts: which peer ids a node may learn, ask and answer.</summary>
public sealed class HostPolicyTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    [Theory]
    [InlineData("loopback", "5001", true)]
    [InlineData("loopback", "127.0.0.2:5001", true)]
    [InlineData("loopback", "[::1]:5001", true)]
    [InlineData("loopback", "10.0.0.2:5001", false)]
    [InlineData("loopback", "example.com:80", false)]
    [InlineData("*", "example.com:80", true)]
    [InlineData("10.0.0.0/8", "10.200.3.4:5001", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1:5001", false)]
    [InlineData("10.0.0.0/8", "5001", false)]
    [InlineData("loopback,10.0.0.0/8", "5001", true)]
    [InlineData("192.168.1.7", "192.168.1.7:5001", true)]
    [InlineData("192.168.1.7", "192.168.1.8:5001", false)]
    [InlineData("fd00::/8", "[fd12::1]:5001", true)]
    [InlineData("node-a.internal, node-b.internal", "NODE-B.internal:5001", true)]
    [InlineData("node-a.internal", "node-a.internal.evil.com:5001", false)]
    public void Allows_MatchesTheIdsHost(string entries, string id, bool allowed)
    {
        Assert.Equal(allowed, HostPolicy.Parse(entries).Allows(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.0/33")]
    [InlineData("not a host!")]
    [InlineData("10.0.0.0/x")]
    public void Parse_ABadEntry_SaysWhich(string entries)
    {
        Assert.False(HostPolicy.TryParse(entries, out _, out var error));
        Assert.Contains("Gossip:AllowedHosts", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true, "loopback")]
    [InlineData(null, false, "*")]
    [InlineData("10.0.0.0/8", true, "10.0.0.0/8")]
    public void For_Unset_IsLoopbackWhileTheNodeListensOnLoopbackOnly(string? configured, bool loopbackOnly, string expected)
    {
        Assert.Equal(expected, HostPolicy.For(configured, loopbackOnly).Description);
    }

    [Theory]
    [InlineData("http://localhost:5001", true)]
    [InlineData("http://127.0.0.1:5001;http://[::1]:5001", true)]
    [InlineData("http://+:5001", false)]
    [InlineData("http://0.0.0.0:5001", false)]
    [InlineData("http://localhost:5001;http://*:5002", false)]
    public void AreLoopbackUrls_TellsWhetherTheNodeListensOnLoopbackOnly(string urls, bool loopback)
    {
        Assert.Equal(loopback, HostPolicy.AreLoopbackUrls(urls.Split(';')));
    }

    [Fact]
    public async Task Engine_OnLoopback_NeverLearnsNorSendsToAnotherHost()
    {
        var node = _network.Add("5001");
        _network.Add("5002");

        node.Introduce("10.0.0.9:5001");
        node.Receive(new GossipEnvelope("example.com:80", [
            new GossipMessage("a", "10.0.0.8:5001", 3, new GossipPayload(4, "Book 1 by Author 1")),
            new GossipMessage("b", "5002", 3, new GossipPayload(4, "Book 1 by Author 1")),
        ]), GossipHeaders.None);
        node.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(["5002"], node.Peers);
        Assert.False(node.World.ContainsKey("10.0.0.8:5001"));
        Assert.Equal(4, node.World["5002"].Version);
        Assert.Equal(1, node.RefusedByReason["host_not_allowed"]);
        Assert.Equal(1, node.Stats.RequestsSent); // the pick, to 5002 only
    }
}
