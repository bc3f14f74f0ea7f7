using GossipAspire.Lab.Monitoring;
using static GossipAspire.Tests.Lab.LabTestData;

namespace GossipAspire.Tests.Lab;

public sealed class NetworkSnapshotTests
{
    [Fact]
    public void Freshness_SharesOfPairsHoldingTheOriginsCurrentVersion()
    {
        // Three nodes at counters 5, 7, 2. 5001 knows all current; 5002 holds an old 5001 and lacks 5003; 5003 knows only itself.
        var network = new NetworkSnapshot(PickedAt, [
            NodeAt("5001", 5, new Dictionary<string, long> { ["5002"] = 7, ["5003"] = 2 }),
            NodeAt("5002", 7, new Dictionary<string, long> { ["5001"] = 4 }),
            NodeAt("5003", 2),
        ]);

        Assert.Equal(5.0 / 9, network.Freshness!.Value, 6);
        var stale = network.Cell(network.Find("5002")!, "5001");
        Assert.False(stale.Fresh);
        Assert.False(stale.Missing);
        Assert.Equal(4, stale.Counter);
        Assert.Equal(Generation + 5, stale.CurrentVersion);
        var missing = network.Cell(network.Find("5002")!, "5003");
        Assert.True(missing.Missing);
        Assert.False(missing.Fresh);
        Assert.True(network.Cell(network.Find("5001")!, "5003").Fresh);
    }

    [Fact]
    public void Freshness_LeavesOutNodesThatDoNotAnswer_AndIsNullWithNone()
    {
        var network = new NetworkSnapshot(PickedAt, [NodeAt("5001", 1), Down("5002")]);

        Assert.Equal(1.0, network.Freshness);
        Assert.Equal(["5001"], network.Origins);
        Assert.Equal(2, network.Nodes.Count);
        Assert.Null(new NetworkSnapshot(PickedAt, [Down("5002")]).Freshness);
        Assert.Null(NetworkSnapshot.Empty.Freshness);
    }

    [Fact]
    public void Nodes_ResourcesInCountingOrder_ThenIdsByValue()
    {
        var network = new NetworkSnapshot(PickedAt, [
            NodeAt("9", 1), NodeAt("5010", 1, resource: "node-10"), NodeAt("10.0.0.2:5001", 1), NodeAt("5002", 1, resource: "node-2"),
            NodeAt("10", 1), NodeAt("5001", 1, resource: "node-1"),
        ]);

        Assert.Equal(["node-1", "node-2", "node-10", "9", "10", "10.0.0.2:5001"], network.Nodes.Select(n => n.Name));
        Assert.Equal(["5001", "5002", "5010", "9", "10", "10.0.0.2:5001"], network.Origins);
    }

    [Fact]
    public void Find_ByResourceNameOrId()
    {
        var network = new NetworkSnapshot(PickedAt, [NodeAt("5003", 1, resource: "node-3"), NodeAt("7001", 1)]);

        Assert.Equal("5003", network.Find("node-3")!.Id);
        Assert.Equal("5003", network.Find("NODE-3")!.Id);
        Assert.Equal("5003", network.Find("5003")!.Id);
        Assert.Equal("7001", network.Find("7001")!.Id);
        Assert.Null(network.Find("node-4"));
        Assert.Equal("node-3", network.NameOf("5003"));
        Assert.Equal("7001", network.NameOf("7001"));
    }

    [Fact]
    public void FreshnessHistory_EndsWithThisPoll()
    {
        var earlier = new[] { new FreshnessPoint(PickedAt.AddSeconds(-1), 0.5) };

        var network = new NetworkSnapshot(PickedAt, [NodeAt("5001", 1)], earlier);

        Assert.Equal([0.5, 1.0], network.FreshnessHistory.Select(p => p.Freshness));
    }

    [Theory]
    [InlineData("node-2", "node-10", -1)]
    [InlineData("node-10", "node-9", 1)]
    [InlineData("node-01", "node-1", -1)]
    [InlineData("a", "b", -1)]
    [InlineData("node-3", "node-3", 0)]
    public void ResourceNameComparer_CountsDigitRunsByValue(string x, string y, int expected)
    {
        Assert.Equal(expected, Math.Sign(ResourceNameComparer.Instance.Compare(x, y)));
        Assert.Equal(-expected, Math.Sign(ResourceNameComparer.Instance.Compare(y, x)));
    }
}
