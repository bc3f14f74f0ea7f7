using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>The change log behind <c>GET /history/</c>: how each change came, its duplicates, and what was evicted.</summary>
public sealed class HistoryTests : IDisposable
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    private static GossipEnvelope Envelope(string sender, string uuid, long version, long? hop = null, string? traceparent = null) =>
        new(sender, [new GossipMessage(uuid, "5002", 3, new GossipPayload(version, "Book 7 by Author 7", traceparent, null, hop))]);

    [Fact]
    public void History_ReceivedChange_SaysItsUuidSenderHopAndTrace()
    {
        var node = _network.Add("5001");

        node.Receive(Envelope("5003", "u1", 7, hop: 2, traceparent: $"00-{TraceId}-b7ad6b7169203331-01"), GossipHeaders.None);

        var change = node.History(0).Events[^1];
        Assert.Equal(("5002", 7L, "Book 7 by Author 7"), (change.Origin, change.Version, change.Book));
        Assert.Equal("u1", change.Uuid);
        Assert.Equal("5003", change.From);
        Assert.Equal(2, change.Hop);
        Assert.Equal(TraceId, change.TraceId);
        Assert.Equal(0, change.Duplicates);
        Assert.False(change.Repair);
    }

    [Fact]
    public void History_CopyWithoutHopOrTrace_HasNullHopAndTrace()
    {
        var node = _network.Add("5001");

        node.Receive(Envelope("5003", "u1", 7, traceparent: "not a traceparent"), GossipHeaders.None);

        var change = node.History(0).Events[^1];
        Assert.Null(change.Hop);
        Assert.Null(change.TraceId);
    }

    [Fact]
    public void History_FurtherCopiesOfTheSameUuid_AreCountedOnTheChangeInPlace()
    {
        var node = _network.Add("5001");
        node.Receive(Envelope("5003", "u1", 7), GossipHeaders.None);
        var before = node.History(0);

        node.Receive(Envelope("5004", "u1", 7), GossipHeaders.None);
        node.Receive(Envelope("5005", "u1", 7), GossipHeaders.None);
        var after = node.History(0);

        Assert.Equal(0, before.Events[^1].Duplicates); // a read sees the count as of that read
        Assert.Equal(before.Events.Count, after.Events.Count);
        Assert.Equal(2, after.Events[^1].Duplicates);
        Assert.Equal("5003", after.Events[^1].From); // the first copy's sender
    }

    [Fact]
    public void History_OwnPick_HasNoSenderAndHopZero()
    {
        var node = _network.Add("5001");

        var (version, book) = node.Pick();

        var change = node.History(0).Events[^1];
        Assert.Equal(("5001", version, book), (change.Origin, change.Version, change.Book));
        Assert.Null(change.From);
        Assert.Equal(0, change.Hop);
        Assert.Equal(node.World["5001"].Uuid, change.Uuid);
        Assert.False(change.Repair);
    }

    [Fact]
    public async Task History_ChangeBroughtByAntiEntropy_IsMarkedRepairWithTheOriginsUuid()
    {
        _network.Add("5001");
        _network.Add("5002");
        _network.Mesh();
        _network.Swallow = (_, _) => true;
        var (version, _) = _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        _network.Swallow = (_, _) => false;

        await _network["5002"].RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        var change = _network["5002"].History(0).Events.Last(e => e.Origin == "5001");
        Assert.Equal(version, change.Version);
        Assert.True(change.Repair);
        Assert.Equal("5001", change.From);
        Assert.Null(change.Hop); // a repair copy does not say how far it travelled
        Assert.Equal(_network["5001"].World["5001"].Uuid, change.Uuid);
    }

    [Fact]
    public void History_EventsEvictedBetweenTwoReads_AreReportedWithTheOldestStillHeld()
    {
        var node = _network.Add("5001", o => o.HistorySize = 5);
        var first = node.History(0);
        Assert.Equal((1L, 0L, 1L), (first.Oldest, first.Evicted, first.Next));

        for (var version = 1; version <= 10; version++)
        {
            node.Receive(Envelope("5003", $"u{version}", version), GossipHeaders.None);
        }

        var second = node.History(first.Next);
        Assert.Equal(7, second.Oldest); // 11 changes in all, the newest 5 held
        Assert.Equal(5, second.Evicted); // 2..6 happened after the first read and are gone
        Assert.Equal([7L, 8, 9, 10, 11], second.Events.Select(e => e.Seq));
        Assert.Equal(0, node.History(second.Next).Evicted);
        Assert.Equal(6, node.History(0).Evicted);
    }

    [Fact]
    public void History_Limit_CutsThePageAndNextContinuesIt()
    {
        var node = _network.Add("5001");
        for (var version = 1; version <= 4; version++)
        {
            node.Receive(Envelope("5003", $"u{version}", version), GossipHeaders.None);
        }

        var page = node.History(0, limit: 2);
        var rest = node.History(page.Next, limit: 2);

        Assert.Equal([1L, 2], page.Events.Select(e => e.Seq));
        Assert.Equal([3L, 4], rest.Events.Select(e => e.Seq));
    }
}
