using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;
using GossipAspire.Lab.Nodes;
using static GossipAspire.Tests.Lab.LabTestData;

namespace GossipAspire.Tests.Lab;

public sealed class NodeDirectoryTests
{
    [Fact]
    public void Learn_FollowsThePeersOfNodesThatAnswer()
    {
        var directory = new NodeDirectory([new ConfiguredNode("http://127.0.0.1:5001", null)], followPeers: true);

        directory.Learn([NodeAt("5001", 1, peers: ["5002", "10.0.0.2:5003", "junk"])]);

        Assert.Equal(["http://127.0.0.1:5001", "http://127.0.0.1:5002", "http://10.0.0.2:5003"], directory.Targets().Select(t => t.Url));
        Assert.Equal([true, false, false], directory.Targets().Select(t => t.Configured));
    }

    [Fact]
    public void Learn_WithFollowPeersOff_WatchesOnlyTheConfiguredNodes()
    {
        var directory = new NodeDirectory([new ConfiguredNode("http://127.0.0.1:5001", "node-1")], followPeers: false);

        directory.Learn([NodeAt("5001", 1, peers: ["5002"])]);

        Assert.Equal(["http://127.0.0.1:5001"], directory.Targets().Select(t => t.Url));
    }

    [Fact]
    public void Learn_APeerThatStaysSilentTenPolls_IsForgotten()
    {
        var directory = new NodeDirectory([new ConfiguredNode("http://127.0.0.1:5001", null)], followPeers: true);
        directory.Learn([NodeAt("5001", 1, peers: ["5002"])]);

        IReadOnlyList<string> forgotten = [];
        for (var poll = 0; poll < 10; poll++)
        {
            // 5001 no longer lists it (it dropped the dead peer); 5002 does not answer.
            forgotten = directory.Learn([NodeAt("5001", 1), Down("5002")]);
        }

        Assert.Equal(["http://127.0.0.1:5002"], forgotten);
        Assert.Single(directory.Targets());
    }

    [Fact]
    public void Learn_APeerUrlThatIsAConfiguredNodeUnderAnotherAddress_IsDroppedForGood()
    {
        // Behind a proxy the AppHost names node-1 by a port that is not its id: 5001 is the same node.
        var directory = new NodeDirectory([new ConfiguredNode("http://127.0.0.1:40001", "node-1"), new ConfiguredNode("http://127.0.0.1:40002", "node-2")], followPeers: true);
        var node1 = NodeAt("5001", 1, peers: ["5002"]) with { Url = "http://127.0.0.1:40001", ResourceName = "node-1" };
        var node2 = NodeAt("5002", 1, peers: ["5001"]) with { Url = "http://127.0.0.1:40002", ResourceName = "node-2" };

        directory.Learn([node1, node2]);

        Assert.Equal(["http://127.0.0.1:40001", "http://127.0.0.1:40002"], directory.Targets().Select(t => t.Url));
    }
}
