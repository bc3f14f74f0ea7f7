using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>The engine's rules, on engines wired in memory and driven by fake time.</summary>
public sealed class GossipEngineTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    private static GossipEnvelope Envelope(string sender, string origin, long version, string book = "Book 1 by Author 1", long ttl = 3, string? uuid = null) =>
        new(sender, [new GossipMessage(uuid ?? Guid.NewGuid().ToString(), origin, ttl, new GossipPayload(version, book))]);

    [Fact]
    public async Task Pick_InAMesh_ReachesEveryNodeInOneHopWithNMinusOneRequests()
    {
        var ids = Enumerable.Range(5001, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        ids.ForEach(id => _network.Add(id));
        _network.Mesh();
        var before = _network.TotalRequests;

        var (version, book) = _network["5003"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        foreach (var id in ids)
        {
            Assert.Equal(version, _network[id].World["5003"].Version);
            Assert.Equal(book, _network[id].World["5003"].Book);
        }

        Assert.Equal(ids.Count - 1, _network.TotalRequests - before);
        Assert.All(ids.Where(id => id != "5003"), id => Assert.Equal(0, _network[id].Stats.MessagesSent));
    }

    [Fact]
    public void Receive_VersionsOutOfOrder_KeepsTheHighest()
    {
        var node = _network.Add("5001");

        node.Receive(Envelope("5002", "5002", 7, "Book 7 by Author 7"), GossipHeaders.None);
        node.Receive(Envelope("5002", "5002", 5, "Book 5 by Author 5"), GossipHeaders.None);
        node.Receive(Envelope("5002", "5002", 6, "Book 6 by Author 6"), GossipHeaders.None);

        Assert.Equal(7, node.World["5002"].Version);
        Assert.Equal("Book 7 by Author 7", node.World["5002"].Book);
    }

    [Fact]
    public void Receive_SameUuidTwice_IsCountedAsDuplicateAndChangesNothing()
    {
        var node = _network.Add("5001");
        var envelope = Envelope("5002", "5002", 7, uuid: "same");

        node.Receive(envelope, GossipHeaders.None);
        var history = node.History(0).Events.Count;
        node.Receive(envelope, GossipHeaders.None);

        Assert.Equal(1, node.Stats.MessagesDuplicate);
        Assert.Equal(history, node.History(0).Events.Count);
    }

    [Fact]
    public async Task Receive_TtlZeroIsDropped_TtlOneIsKeptButNotForwarded()
    {
        var node = _network.Add("5001");
        _network.Add("5003");
        node.Introduce("5003");

        node.Receive(Envelope("5002", "5002", 7, ttl: 0), GossipHeaders.None);
        Assert.False(node.World.ContainsKey("5002"));
        Assert.Equal(1, node.Stats.MessagesDropped);

        node.Receive(Envelope("5002", "5002", 8, ttl: 1), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(8, node.World["5002"].Version);
        Assert.Equal(0, node.Stats.RequestsSent);
    }

    [Fact]
    public async Task Receive_ForwardsOnlyToPeersNotCovered_NeverBackToSenderOrOrigin()
    {
        // 5001 knows only 5002; 5002 knows 5001, 5003 and 5004. The news must still reach 5003 and 5004.
        _network.Add("5001");
        _network.Add("5002");
        _network.Add("5003");
        _network.Add("5004");
        _network["5001"].Introduce("5002");
        _network["5002"].Introduce("5003");
        _network["5002"].Introduce("5004");
        _network["5002"].Introduce("5001");

        var (version, _) = _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(version, _network["5003"].World["5001"].Version);
        Assert.Equal(version, _network["5004"].World["5001"].Version);
        Assert.Equal(1, _network["5001"].Stats.RequestsSent);
        Assert.Equal(2, _network["5002"].Stats.RequestsSent); // to 5003 and 5004, not back to 5001
        Assert.Equal(0, _network["5003"].Stats.RequestsSent + _network["5004"].Stats.RequestsSent);
        Assert.Equal(0, _network["5001"].Stats.MessagesDuplicate);
    }

    [Fact]
    public void Restart_InALaterSecond_StartsAboveEveryEarlierVersion()
    {
        var first = _network.Add("5001");
        for (var i = 0; i < 1000; i++)
        {
            first.Pick();
        }

        _network.Time.Advance(TimeSpan.FromSeconds(1));
        using var restarted = new InMemoryNetwork();
        restarted.Time.SetUtcNow(_network.Time.GetUtcNow());
        var second = restarted.Add("5001");

        Assert.True(second.Current.Version > first.Current.Version);
    }

    [Fact]
    public async Task Restart_InTheSameSecond_HearingItsOldVersionMovesPastIt()
    {
        var old = _network.Add("5001");
        _network.Add("5002");
        _network.Mesh();
        for (var i = 0; i < 5; i++)
        {
            old.Pick();
        }

        await _network.SettleAsync(TimeSpan.Zero);
        var oldVersion = old.Current.Version;

        // The same id again, same clock: its counter starts below what 5002 holds.
        var fresh = _network.Add("5001", seed: 99);
        Assert.True(fresh.Current.Version < oldVersion);
        await fresh.JoinAsync("5002", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.True(fresh.Current.Version > oldVersion);
        Assert.Equal(fresh.Current.Version, _network["5002"].World["5001"].Version);
        Assert.Equal(fresh.Current.Book, _network["5002"].World["5001"].Book);
    }

    [Fact]
    public async Task StartingBook_IsKeptToItselfUntilTheFirstPickAnnouncesIt()
    {
        var node = _network.Add("5001");
        var asker = _network.Add("5002");
        _network.Mesh();

        await asker.RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.False(asker.World.ContainsKey("5001")); // unannounced: no trace to hang it on yet

        var (version, _) = node.Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Equal(version, asker.World["5001"].Version);
        Assert.Equal(1, version & ((1 << GossipEngine.GenerationShift) - 1)); // the first pick is counter 1
    }

    [Fact]
    public void MessageCache_ForgetsTheOldestBeyondItsCountAndAge()
    {
        var now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var cache = new MessageCache(capacity: 3, maxAge: TimeSpan.FromMinutes(1));

        Assert.True(cache.Add("a", now));
        Assert.False(cache.Add("a", now));
        cache.Add("b", now);
        cache.Add("c", now);
        cache.Add("d", now);
        Assert.Equal(3, cache.Count);
        Assert.False(cache.Contains("a", now));
        Assert.True(cache.Contains("b", now));

        Assert.False(cache.Contains("d", now.AddMinutes(2)));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Engine_UnderLoad_KeepsItsCacheWithinBounds()
    {
        var node = _network.Add("5001", o => o.MessageCacheSize = 100);
        for (var i = 0; i < 1000; i++)
        {
            node.Receive(Envelope("5002", "5002", i + 1), GossipHeaders.None);
        }

        await _network.SettleAsync(TimeSpan.Zero);
        var duplicate = Envelope("5002", "5002", 1);
        node.Receive(duplicate, GossipHeaders.None);
        Assert.Equal(1000, node.World["5002"].Version); // an old message whose uuid was forgotten still cannot roll back
    }

    [Fact]
    public async Task FailingPeer_IsDroppedAfterTheLimit_AndLearnedAgainWhenItSpeaks()
    {
        _network.Add("5001", o => o.PeerFailureLimit = 3);
        _network.Add("5002");
        _network.Mesh();
        _network["5001"].Pick(); // 5002 answers: it is a peer that has answered, allowed the full limit
        await _network.SettleAsync(TimeSpan.Zero);
        _network.Down.Add("5002");

        _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.FromSeconds(3));

        Assert.DoesNotContain("5002", _network["5001"].Peers);
        Assert.Equal(3, _network["5001"].Stats.RequestsFailed); // the first try and two retries

        _network.Down.Remove("5002");
        _network["5002"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.Contains("5002", _network["5001"].Peers);
    }

    [Fact]
    public async Task DroppedPeer_IsNotLearnedAgainFromStaleNews()
    {
        _network.Add("5001", o => o.PeerFailureLimit = 1);
        _network.Add("5002");
        _network.Add("5003");
        _network.Mesh();
        await _network.SettleAsync(TimeSpan.Zero);
        _network.Down.Add("5002");
        _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("5002", _network["5001"].Peers);

        // 5003 still holds 5002's old entry; a digest exchange hands it over, but that is no sign of life.
        await _network["5001"].RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.DoesNotContain("5002", _network["5001"].Peers);
    }

    [Fact]
    public async Task AntiEntropy_RepairsAMessageLostInBothDirections()
    {
        _network.Add("5001");
        _network.Add("5002");
        _network.Mesh();
        _network.Swallow = (_, _) => true;
        var (v1, _) = _network["5001"].Pick();
        var (v2, _) = _network["5002"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        Assert.False(_network["5002"].World.ContainsKey("5001"));

        _network.Swallow = (_, _) => false;
        await _network["5002"].RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(v1, _network["5002"].World["5001"].Version);
        Assert.Equal(v2, _network["5001"].World["5002"].Version);
        Assert.Equal(_network["5001"].WorldHash, _network["5002"].WorldHash);
    }

    [Fact]
    public async Task AntiEntropy_IsSkippedWhilePushesShowTheNodeInSync()
    {
        _network.Add("5001", o => o.AntiEntropyInterval = TimeSpan.FromSeconds(2));
        _network.Add("5002", o => o.AntiEntropyInterval = TimeSpan.FromSeconds(2));
        _network.Mesh();
        _network["5002"].Pick();
        await _network["5002"].RunAntiEntropyAsync(CancellationToken.None);
        await _network.SettleAsync(TimeSpan.FromSeconds(3));
        Assert.True(_network["5002"].AntiEntropyDue(_network.Time.GetUtcNow()));

        _network["5001"].Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.False(_network["5002"].AntiEntropyDue(_network.Time.GetUtcNow()));
        _network.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(_network["5002"].AntiEntropyDue(_network.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Join_SeedNotUpYet_IsRetriedUntilItAnswers()
    {
        _network.Add("5001").Pick();
        var joiner = _network.Add("5002");
        _network.Down.Add("5001");

        var join = joiner.JoinAsync("5001", CancellationToken.None);
        await _network.SettleAsync(TimeSpan.FromSeconds(2));
        Assert.False(join.IsCompleted);

        _network.Down.Remove("5001");
        await _network.SettleAsync(TimeSpan.FromSeconds(3), until: join);

        Assert.Contains("5001", joiner.Peers);
        Assert.Contains("5002", _network["5001"].Peers);
        Assert.True(joiner.World.ContainsKey("5001")); // the seed's world is pulled at once
    }

    [Fact]
    public void History_ListsChangesAfterTheGivenSequence()
    {
        var node = _network.Add("5001");
        node.Receive(Envelope("5002", "5002", 1), GossipHeaders.None);
        node.Receive(Envelope("5002", "5002", 2), GossipHeaders.None);

        var (all, next) = node.History(0);
        var (later, nextLater) = node.History(all[0].Seq);

        Assert.Equal(3, all.Count); // the book it started with, then two changes from 5002
        Assert.Equal(all[^1].Seq, next);
        Assert.Equal(all.Skip(1), later);
        Assert.Equal(next, nextLater);
        Assert.Empty(node.History(next).Events);
        Assert.Equal(next, node.History(next).Next);
    }
}
