using GossipAspire.Benchmark;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Benchmark;

public sealed class ClusterDriverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_hop = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task Measure_FakeClusterOfFour_TimesEveryChangeAndCountsTraffic()
    {
        await using var cluster = await FakeCluster.StartAsync(4, s_hop);
        using var http = new HttpClient();
        var settings = new BenchmarkSettings { Nodes = 4, Changes = 6, PickEvery = TimeSpan.FromMilliseconds(20) };

        var measurement = await new ClusterDriver(Clients(cluster, http), settings, TestContext.Log(output)).MeasureAsync(TestContext.Token());

        Assert.Empty(measurement.Problems);
        Assert.Equal(6, measurement.Changes.Count);
        Assert.All(measurement.Changes, c =>
        {
            Assert.True(c.LearnedByAll);
            Assert.Equal(3, c.Observers);

            // The last node is one to three hops away in the chain.
            Assert.InRange(c.LatencyMs!.Value, 4.99, 15.01);
        });
        Assert.Equal(6, measurement.ChangesInWindow);
        Assert.Equal(6 * 3, measurement.Traffic.RequestsSent);
        Assert.Equal(6 * 3 * FakeCluster.BytesPerRequest, measurement.Traffic.BytesSent);
        Assert.InRange(measurement.Freshness, 0.5, 0.9999);
        Assert.NotNull(measurement.ConvergenceSeconds);
        Assert.Equal(4 + 4 + 6, cluster.Picks);   // start-up round, warm-up (one per node), timed
    }

    [Fact]
    public async Task Measure_SameSeed_PicksAtTheSameNodes()
    {
        await using var cluster = await FakeCluster.StartAsync(5, s_hop);
        using var http = new HttpClient();
        var settings = new BenchmarkSettings { Nodes = 5, Changes = 8, PickEvery = TimeSpan.FromMilliseconds(10), RandomSeed = 3 };

        var first = await new ClusterDriver(Clients(cluster, http), settings, TestContext.Log(output)).MeasureAsync(TestContext.Token());
        var second = await new ClusterDriver(Clients(cluster, http), settings, TestContext.Log(output)).MeasureAsync(TestContext.Token());

        Assert.Equal(first.Changes.Select(c => c.Origin), second.Changes.Select(c => c.Origin));
        Assert.True(first.Changes.Select(c => c.Origin).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Measure_NodeThatMissesChanges_IsReportedNotHidden()
    {
        // Node 3 learns nothing after the start-up round.
        await using var cluster = await FakeCluster.StartAsync(4, s_hop, (observer, version) => observer != 3 || version <= 1);
        using var http = new HttpClient();
        var settings = new BenchmarkSettings { Nodes = 4, Changes = 3, PickEvery = TimeSpan.FromMilliseconds(10), SettleTimeout = TimeSpan.FromSeconds(1), Warmup = 0 };

        var measurement = await new ClusterDriver(Clients(cluster, http), settings, TestContext.Log(output)).MeasureAsync(TestContext.Token());

        var missed = measurement.Changes.Where(c => c.Origin != cluster.Nodes[3].Id).ToList();
        Assert.NotEmpty(missed);
        Assert.All(missed, c =>
        {
            Assert.False(c.LearnedByAll);
            Assert.Null(c.LatencyMs);
            Assert.Equal(2, c.LearnedBy);
        });
        Assert.Contains(measurement.Problems, p => p.Contains("reached 2 of 3 other nodes", StringComparison.Ordinal));
        Assert.Contains(measurement.Problems, p => p.Contains("still lacked the last change", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Measure_ThenBuildAndRender_GivesACompleteReport()
    {
        await using var cluster = await FakeCluster.StartAsync(3, s_hop);
        using var http = new HttpClient();
        var settings = new BenchmarkSettings { Nodes = 3, Changes = 4, PickEvery = TimeSpan.FromMilliseconds(20) };
        var measurement = await new ClusterDriver(Clients(cluster, http), settings, TestContext.Log(output)).MeasureAsync(TestContext.Token());

        var report = BenchmarkRunner.Build(
            settings,
            new NodeCommand("fake", [], "fake nodes"),
            DateTimeOffset.UtcNow,
            0.1,
            measurement,
            cluster.Nodes.ToDictionary(n => n.Id, _ => 42.0),
            cluster.Nodes.ToDictionary(n => n.Id, _ => 100.0),
            measurement.Problems);

        Assert.True(report.Complete);
        Assert.Equal(4, report.Latency.LearnedByAll);
        Assert.Equal(2.0, report.Traffic.RequestsPerChange, 9);
        Assert.True(report.Targets.Single(t => t.Metric == "requests per change").Met);
        Assert.Equal(42.0, report.Rss.Median);
        output.WriteLine(report.ToJson());
    }

    [Fact]
    public async Task GetHistory_ManyPages_FollowsNextToTheEnd()
    {
        await using var cluster = await FakeCluster.StartAsync(3, s_hop);
        for (var i = 0; i < 12; i++)
        {
            cluster.Pick(cluster.Nodes[0]);
        }

        using var http = new HttpClient();
        var client = new NodeClient(http, cluster.Nodes[1].Id, cluster.Nodes[1].Url);

        var (events, next) = await client.GetHistoryAsync(0, TestContext.Token());
        var (more, _) = await client.GetHistoryAsync(next, TestContext.Token());

        Assert.Equal(3 + 12, events.Count);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(15, next);
        Assert.Empty(more);
    }

    [Fact]
    public void StalePairs_CountsObserversBehindTheWantedVersion()
    {
        var world = new Dictionary<string, WorldEntry> { ["a"] = new(3, null, null, null), ["b"] = new(1, null, null, null) };
        NodeState[] states =
        [
            new("a", 3, null, null, world, null, null),
            new("b", 2, null, null, world, null, null),
            new("c", 0, null, null, null, null, null),
        ];

        // a wants 3: b holds 3, c has no world. b wants 2: a holds 1 (stale), c (stale). c wants 0: nothing to know.
        var stale = ClusterDriver.StalePairs(states, new Dictionary<string, long> { ["a"] = 3, ["b"] = 2, ["c"] = 0 });

        Assert.Equal(3, stale);
    }

    private static List<NodeClient> Clients(FakeCluster cluster, HttpClient http) =>
        [.. cluster.Nodes.Select(n => new NodeClient(http, n.Id, n.Url))];
}
