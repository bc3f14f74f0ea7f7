using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static GossipAspire.Tests.Lab.LabTestData;

namespace GossipAspire.Tests.Lab;

public sealed class ChangeLogTests
{
    private static ChangeLog NewLog(int maxChanges = 500) =>
        new(Options.Create(new LabOptions { MaxChanges = maxChanges }), new FakeTimeProvider(PickedAt));

    [Fact]
    public void Add_GroupsEveryNodesEventOfOnePick_IntoOneChangeNamedByItsUuid()
    {
        var log = NewLog();
        var trace = new string('a', 32);

        log.Add("5001", [Event(1, "5001", 3, "u-1", null, 0, 0, traceId: trace)]);
        log.Add("5002", [Event(7, "5001", 3, "u-1", "5001", 1, 2.5)]);
        log.Add("5003", [Event(4, "5001", 3, "u-1", "5002", 2, 4, duplicates: 1)]);

        var change = Assert.Single(log.Recent(10));
        Assert.Equal("u-1", change.Id);
        Assert.Equal(3, change.Counter);
        Assert.Equal(3, change.Receipts.Count);
        Assert.Equal(1, change.Duplicates);
        Assert.Equal(trace, change.TraceId);
        Assert.Equal(TimeSpan.FromMilliseconds(4), change.TimeToLastNode);
        Assert.Same(log.Find("u-1")!.Receipts[0].Node, log.Find("5001", Generation + 3)!.Receipts[0].Node);
        Assert.Equal("u-1", log.IdOf("5001", Generation + 3));
    }

    [Fact]
    public void Add_EventsWithoutUuid_FromAnOlderNode_AreNamedOriginAtVersion()
    {
        var log = NewLog();

        log.Add("5002", [Event(1, "5001", 3, null, null, null, 1)]);

        var id = $"5001@{Generation + 3}";
        Assert.Equal(id, Assert.Single(log.Recent(10)).Id);
        Assert.NotNull(log.Find(id));
        Assert.True(ChangeLog.IsWellFormedId(id));
    }

    [Fact]
    public void Add_TheSameEventReadAgain_KeepsOneReceipt_WithTheNewDuplicateCount()
    {
        var log = NewLog();
        log.Add("5002", [Event(9, "5001", 3, "u-1", "5001", 1, 1)]);
        var before = log.Version;

        log.Add("5002", [Event(9, "5001", 3, "u-1", "5001", 1, 1, duplicates: 2)]);
        log.Add("5002", [Event(9, "5001", 3, "u-1", "5001", 1, 1, duplicates: 2)]);

        var receipt = Assert.Single(log.Find("u-1")!.Receipts);
        Assert.Equal(2, receipt.Duplicates);
        Assert.Equal(before + 1, log.Version);
    }

    [Fact]
    public void Add_ALaterRepairCopyAfterARestart_DoesNotReplaceTheFirstCopy()
    {
        var log = NewLog();
        log.Add("5002", [Event(9, "5001", 3, "u-1", "5001", 1, 1)]);

        log.Add("5002", [Event(2, "5001", 3, "u-1", "5003", 1, 5000, repair: true)]);

        var receipt = Assert.Single(log.Find("u-1")!.Receipts);
        Assert.Equal(9, receipt.Seq);
        Assert.False(receipt.Repair);
    }

    [Fact]
    public void Trim_KeepsTheNewestChanges_AndIgnoresLateEventsOfDroppedOnes()
    {
        var log = NewLog(maxChanges: 3);
        for (var k = 1; k <= 5; k++)
        {
            log.Add("5001", [new(k, "5001", Generation + k, "b", PickedAt.AddSeconds(k), PickedAt.AddSeconds(k), $"u-{k}", null, 0, null, 0, false)]);
        }

        log.Trim();

        Assert.Equal(["u-5", "u-4", "u-3"], log.Recent(10).Select(c => c.Id));
        Assert.Null(log.Find("u-1"));
        // Another node's event of a dropped change does not bring half of it back.
        log.Add("5002", [new(1, "5001", Generation + 1, "b", PickedAt.AddSeconds(1), PickedAt.AddSeconds(1.01), "u-1", "5001", 1, null, 0, false)]);
        Assert.Null(log.Find("u-1"));
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public void ReceiptsOf_OneNode_NewestFirst()
    {
        var log = NewLog();
        log.Add("5002", [Event(1, "5001", 1, "u-1", "5001", 1, 1), Event(2, "5003", 1, "u-2", "5003", 1, 3)]);
        log.Add("5003", [Event(1, "5003", 1, "u-2", null, 0, 0)]);

        Assert.Equal(["u-2", "u-1"], log.ReceiptsOf("5002", 10).Select(r => r.Change.Id));
    }

    [Theory]
    [InlineData("6f1d3c0e-2b0a-4c53-9a55-0d9b1a2f1e10", true)]
    [InlineData("5001@1967432188000257", true)]
    [InlineData("10.0.0.2:5001@42", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("<script>", false)]
    public void IsWellFormedId_AcceptsUuidsAndOriginAtVersion(string id, bool expected) =>
        Assert.Equal(expected, ChangeLog.IsWellFormedId(id));
}
