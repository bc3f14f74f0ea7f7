using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static GossipAspire.Tests.Lab.LabTestData;

namespace GossipAspire.Tests.Lab;

public sealed class PropagationTreeTests
{
    private static ChangeRecord Change(params (string Node, GossipAspire.Lab.Nodes.HistoryEvent Event)[] events)
    {
        var log = new ChangeLog(Options.Create(new LabOptions()), new FakeTimeProvider(PickedAt));
        foreach (var (node, e) in events)
        {
            log.Add(node, [e]);
        }

        return Assert.Single(log.Recent(10));
    }

    [Fact]
    public void Build_HangsEachNodeUnderTheSenderItNames_WithDelaysAfterSenderAndPick()
    {
        // 5001 picks; 5002 gets it from 5001; 5003 and 5004 from 5002 (a chain still forming); 5003 also got one duplicate.
        var change = Change(
            ("5001", Event(1, "5001", 3, "u", null, 0, 0)),
            ("5002", Event(1, "5001", 3, "u", "5001", 1, 2)),
            ("5003", Event(1, "5001", 3, "u", "5002", 2, 5, duplicates: 1)),
            ("5004", Event(1, "5001", 3, "u", "5002", 2, 4)));
        var network = new NetworkSnapshot(PickedAt, [NodeAt("5001", 3, resource: "node-1"), NodeAt("5002", 3), NodeAt("5003", 3), NodeAt("5004", 3)]);

        var tree = PropagationTree.Build(change, network);

        Assert.Equal("5001", tree.Root.Node);
        Assert.Equal("node-1", tree.Root.Name);
        Assert.Equal(["5001", "5002", "5004", "5003"], tree.Nodes.Select(n => n.Node));
        Assert.Equal(["5002"], tree.Root.Children.Select(c => c.Node));
        var n3 = tree.Nodes.Single(n => n.Node == "5003");
        Assert.Equal("5002", n3.Parent!.Node);
        Assert.Equal(2, n3.Hop);
        Assert.Equal(2, n3.Depth);
        Assert.Equal(TimeSpan.FromMilliseconds(3), n3.AfterSender);
        Assert.Equal(TimeSpan.FromMilliseconds(5), n3.AfterPick);
        Assert.Equal(4, tree.NodesReached);
        Assert.Equal(4, tree.NodesKnown);
        Assert.Equal(1, tree.Duplicates);
        Assert.Equal(2, tree.MaxHop);
        Assert.Empty(tree.Missing);
    }

    [Fact]
    public void Build_NodesThatHaveNotGotIt_AreListedWithTheReason()
    {
        var change = Change(("5001", Event(1, "5001", 3, "u", null, 0, 0)), ("5002", Event(1, "5001", 3, "u", "5001", 1, 2)));
        var network = new NetworkSnapshot(PickedAt, [
            NodeAt("5001", 3), NodeAt("5002", 3),
            NodeAt("5003", 1, new Dictionary<string, long> { ["5001"] = 2 }),
            NodeAt("5004", 1, new Dictionary<string, long> { ["5001"] = 4 }),
            NodeAt("5005", 1, new Dictionary<string, long> { ["5001"] = 3 }) with { History = HistoryAvailability.NotSupported },
            Down("5006"),
        ]);

        var tree = PropagationTree.Build(change, network);

        Assert.Equal(2, tree.NodesReached);
        Assert.Equal(6, tree.NodesKnown);
        var reasons = tree.Missing.ToDictionary(m => m.Node, m => m.Reason);
        Assert.Equal("not yet", reasons["5003"]);
        Assert.StartsWith("skipped it", reasons["5004"], StringComparison.Ordinal);
        Assert.Contains("no /history/", reasons["5005"], StringComparison.Ordinal);
        Assert.StartsWith("not answering", reasons["5006"], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ASenderTheTreeDoesNotHold_OrNoneNamed_HangsUnderTheOrigin_Marked()
    {
        // 5003 names 5009 (not watched); 5004 is an older node that names no sender.
        var change = Change(
            ("5001", Event(1, "5001", 3, "u", null, 0, 0)),
            ("5003", Event(1, "5001", 3, "u", "5009", 2, 3)),
            ("5004", Event(1, "5001", 3, "u", null, null, 4)));

        var tree = PropagationTree.Build(change, new NetworkSnapshot(PickedAt, [NodeAt("5001", 3), NodeAt("5003", 3), NodeAt("5004", 3)]));

        Assert.All(tree.Nodes.Where(n => n != tree.Root), n => Assert.Same(tree.Root, n.Parent));
        Assert.True(tree.Nodes.Single(n => n.Node == "5003").SenderUnknown);
        Assert.True(tree.Nodes.Single(n => n.Node == "5004").SenderUnknown);
        Assert.Null(tree.Nodes.Single(n => n.Node == "5003").AfterSender);
        // Without a hop from the node, the depth stands in.
        Assert.Equal(1, tree.Nodes.Single(n => n.Node == "5004").Hop);
    }

    [Fact]
    public void Build_ACycleOfFromLinks_IsCutLooseUnderTheOrigin_AndEveryNodeShows()
    {
        var change = Change(
            ("5001", Event(1, "5001", 3, "u", null, 0, 0)),
            ("5002", Event(1, "5001", 3, "u", "5003", 1, 2)),
            ("5003", Event(1, "5001", 3, "u", "5002", 1, 3)));

        var tree = PropagationTree.Build(change, new NetworkSnapshot(PickedAt, [NodeAt("5001", 3), NodeAt("5002", 3), NodeAt("5003", 3)]));

        Assert.Equal(3, tree.Nodes.Count);
        Assert.Equal(["5001", "5002", "5003"], tree.Nodes.Select(n => n.Node));
        Assert.Equal("5002", tree.Nodes.Single(n => n.Node == "5003").Parent!.Node);
    }

    [Fact]
    public void Build_WithoutTheOriginsOwnEvent_TheRootStandsInAndTheOriginCountsAsNotReached()
    {
        var change = Change(("5002", Event(1, "5001", 3, "u", "5001", 1, 2)));

        var tree = PropagationTree.Build(change, new NetworkSnapshot(PickedAt, [NodeAt("5001", 3), NodeAt("5002", 3)]));

        Assert.Null(tree.Root.Receipt);
        Assert.Equal("5001", tree.Root.Node);
        Assert.Same(tree.Root, tree.Nodes.Single(n => n.Node == "5002").Parent);
        Assert.Equal(1, tree.NodesReached);
        Assert.Equal(2, tree.NodesKnown);
    }
}
