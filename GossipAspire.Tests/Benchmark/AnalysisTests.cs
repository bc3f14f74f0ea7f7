using GossipAspire.Benchmark;

namespace GossipAspire.Tests.Benchmark;

public sealed class AnalysisTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 24, 19, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Spread_TwoNodes_LatencyIsTimeToTheOtherNode()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0), Own(2, "A", 2, 100)],
            ["B"] = [Heard(1, "A", 1, 0, 10), Heard(2, "A", 2, 100, 130)],
        });

        var outcomes = analysis.Spread([new Change("A", 1), new Change("A", 2)]);

        Assert.Collection(
            outcomes,
            o =>
            {
                Assert.Equal(10, o.LatencyMs!.Value, 6);
                Assert.True(o.LearnedByAll);
                Assert.Equal("B", o.LastNode);
                Assert.Equal(s_t0, o.PickedAt);
            },
            o => Assert.Equal(30, o.LatencyMs!.Value, 6));
    }

    [Fact]
    public void Spread_ThreeNodes_LatencyIsToTheLastNode()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 5, 0)],
            ["B"] = [Heard(1, "A", 5, 0, 3)],
            ["C"] = [Heard(1, "A", 5, 0, 8)],
        });

        var outcome = Assert.Single(analysis.Spread([new Change("A", 5)]));

        Assert.Equal(8, outcome.LatencyMs!.Value, 6);
        Assert.Equal("C", outcome.LastNode);
        Assert.Equal(2, outcome.LearnedBy);
        Assert.Equal(2, outcome.Observers);
    }

    [Fact]
    public void Spread_NodeSkipsToANewerVersion_LearnsTheOlderOneThen()
    {
        // B never saw v2: v3 arrived first and supersedes it, so B holds v2's news from then on.
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 2, 0), Own(2, "A", 3, 5)],
            ["B"] = [Heard(1, "A", 3, 5, 20)],
        });

        var outcomes = analysis.Spread([new Change("A", 2), new Change("A", 3)]);

        Assert.Equal(20, outcomes[0].LatencyMs!.Value, 6);
        Assert.Equal(15, outcomes[1].LatencyMs!.Value, 6);
        Assert.All(outcomes, o => Assert.True(o.LearnedByAll));
    }

    [Fact]
    public void Spread_NodeNeverLearns_HasNoLatencyAndCountsWhoDid()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0)],
            ["B"] = [Heard(1, "A", 1, 0, 4)],
            ["C"] = [],
        });

        var outcome = Assert.Single(analysis.Spread([new Change("A", 1)]));

        Assert.Null(outcome.LatencyMs);
        Assert.False(outcome.LearnedByAll);
        Assert.Equal(1, outcome.LearnedBy);
        Assert.Equal(2, outcome.Observers);
    }

    [Fact]
    public void Spread_OriginMissingFromItsOwnHistory_TakesPickedAtFromTheObservers()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [],
            ["B"] = [Heard(1, "A", 1, 0, 12)],
        });

        var outcome = Assert.Single(analysis.Spread([new Change("A", 1)]));

        Assert.Equal(12, outcome.LatencyMs!.Value, 6);
    }

    [Fact]
    public void Freshness_TwoNodes_IsShareOfPairTimeHeldCurrent()
    {
        // Pair (B observes A) is stale 10 ms after the first pick and 30 ms after the second; pair (A observes B)
        // never is, as B picks nothing. 40 stale ms of 2 pairs × 200 ms.
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0), Own(2, "A", 2, 100)],
            ["B"] = [Heard(1, "A", 1, 0, 10), Heard(2, "A", 2, 100, 130)],
        });

        Assert.Equal(0.9, analysis.Freshness(s_t0, s_t0.AddMilliseconds(200)), 9);
    }

    [Fact]
    public void Freshness_OfSomeObserversAndOrigins_CountsOnlyThosePairs()
    {
        // A mixed network: G observes A (stale 50 of 200 ms) and B (never stale); A and B observe each other at once.
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0), Heard(2, "B", 1, 0, 0)],
            ["B"] = [Own(1, "B", 1, 0), Heard(2, "A", 1, 0, 0)],
            ["G"] = [Heard(1, "A", 1, 0, 50), Heard(2, "B", 1, 0, 0)],
        });
        var end = s_t0.AddMilliseconds(200);

        Assert.Equal(0.875, analysis.Freshness(s_t0, end, ["G"], ["A", "B"]), 9);
        Assert.Equal(1.0, analysis.Freshness(s_t0, end, ["A", "B"], ["A", "B"]), 9);
        Assert.Equal(1.0, analysis.Freshness(s_t0, end, ["G"], ["G"]), 9); // no pair: nothing to be stale
        Assert.Equal(1 - (50.0 / (6 * 200)), analysis.Freshness(s_t0, end), 9);
    }

    [Fact]
    public void Freshness_WindowCutsStaleTime_AtBothEnds()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0)],
            ["B"] = [Heard(1, "A", 1, 0, 100)],
        });

        // Window [50, 150): stale 50..100 = 50 ms of 2 × 100.
        Assert.Equal(0.75, analysis.Freshness(s_t0.AddMilliseconds(50), s_t0.AddMilliseconds(150)), 9);
    }

    [Fact]
    public void Freshness_ChangeNeverLearned_IsStaleUntilSuperseded()
    {
        // B misses v1 (0..100) and learns v2 at once when it is picked at 100.
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0), Own(2, "A", 2, 100)],
            ["B"] = [Heard(1, "A", 2, 100, 100)],
        });

        Assert.Equal(0.75, analysis.Freshness(s_t0, s_t0.AddMilliseconds(200)), 9);
    }

    [Fact]
    public void Freshness_EveryoneAlwaysCurrent_IsOne()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 0), Heard(2, "B", 1, 0, 0)],
            ["B"] = [Own(1, "B", 1, 0), Heard(2, "A", 1, 0, 0)],
        });

        Assert.Equal(1.0, analysis.Freshness(s_t0, s_t0.AddSeconds(1)), 12);
    }

    [Fact]
    public void Freshness_EmptyWindow_IsOne()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>> { ["A"] = [], ["B"] = [] });

        Assert.Equal(1.0, analysis.Freshness(s_t0, s_t0));
    }

    [Fact]
    public void Picks_AreEverySeenPickOldestFirst()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [Own(1, "A", 1, 50), Heard(2, "B", 7, 10, 12)],
            ["B"] = [Own(1, "B", 7, 10), Heard(2, "A", 1, 50, 51)],
        });

        var picks = analysis.Picks();

        Assert.Equal([new Change("B", 7), new Change("A", 1)], picks.Select(p => p.Change));
        Assert.Equal(s_t0.AddMilliseconds(10), picks[0].PickedAt);
    }

    [Fact]
    public void Spread_VersionWithoutPickedAt_IsLearnedButUntimed()
    {
        var analysis = new Analysis(new Dictionary<string, IReadOnlyList<HistoryEvent>>
        {
            ["A"] = [new HistoryEvent(1, "A", 1, null, s_t0)],
            ["B"] = [new HistoryEvent(1, "A", 1, null, s_t0.AddMilliseconds(5))],
        });

        var outcome = Assert.Single(analysis.Spread([new Change("A", 1)]));

        Assert.Equal(1, outcome.LearnedBy);
        Assert.Null(outcome.PickedAt);
        Assert.Null(outcome.LatencyMs);
        Assert.Empty(analysis.Picks());
    }

    private static HistoryEvent Own(long seq, string origin, long version, double pickedMs) =>
        Heard(seq, origin, version, pickedMs, pickedMs);

    private static HistoryEvent Heard(long seq, string origin, long version, double pickedMs, double receivedMs) =>
        new(seq, origin, version, s_t0.AddMilliseconds(pickedMs), s_t0.AddMilliseconds(receivedMs));
}
