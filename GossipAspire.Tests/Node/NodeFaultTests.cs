using GossipAspire.Benchmark;
using GossipAspire.Benchmark.Reliability;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Faults with real node processes on loopback (issue 9, section 4): the reliability scenarios of
/// <c>scripts/reliability.sh</c>, run shorter. These check behaviour only, with generous deadlines; the script
/// reports how long each thing took.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class NodeFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(5);

    private ReliabilitySettings Settings(int nodes, string logLevel = "Information") => new()
    {
        Nodes = nodes,
        Runs = 1,
        PickEvery = TimeSpan.FromMilliseconds(200),
        Deadline = NodeClient.Deadline,
        NodeEnvironment = new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__GossipAspire"] = logLevel,
        },
        NodeOutput = (id, line) => Log($"[node {id}] {line.Text}"),
    };

    [Fact]
    public async Task Freeze_NodeFrozenUntilEveryPeerDroppedIt_HoldsEveryCurrentVersionAndIsBackInEveryPeerListAfterResume()
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        // Peers drop a node after three failed requests; the others keep picking, so requests to it keep failing.
        var settings = Settings(5) with { FreezeFor = TimeSpan.FromSeconds(1), FreezeUntilDropped = true };
        await using var cluster = await StartAsync(settings, cts.Token);

        var sample = await FreezeScenario.RunAsync(cluster, victim: 2, settings, Log, cts.Token).WaitAsync(s_testTimeout);

        Assert.Equal(sample.Peers, sample.DroppedBy);
        Assert.True(sample.PicksWhileFrozen > 0);
        Assert.NotNull(sample.CaughtUpSeconds);
        Assert.NotNull(sample.BackInEveryListSeconds);
        Assert.Empty(cluster.Casualties());
    }

    [Fact]
    public async Task Flood_TwentyPicksASecondForTenSeconds_NoRequestFailsAndAllNodesAgreeAfterwards()
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        var settings = Settings(5, logLevel: "Warning") with { FloodRate = 20, FloodFor = TimeSpan.FromSeconds(10) };
        await using var cluster = await StartAsync(settings, cts.Token);

        var flood = await FloodScenario.RunAsync(cluster, settings, Log, cts.Token).WaitAsync(s_testTimeout);

        Assert.True(flood.Picks >= 100, $"only {flood.Picks} picks were made");
        Assert.Empty(flood.PickFailures);
        Assert.Equal(0, flood.NodeRequestsFailed);
        Assert.True(flood.NodeRequests > 0);
        Assert.NotNull(flood.AgreeSeconds);
        Assert.Empty(cluster.Casualties());
    }

    [Fact]
    public async Task HostilePeers_TwoHundredFakeIdsFromAStranger_RealPicksReachEveryRealNodeAndTheFakesAreDropped()
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        var settings = Settings(5, logLevel: "Warning") with { HostilePeers = 200, HostileWatch = TimeSpan.FromSeconds(5) };
        await using var cluster = await StartAsync(settings, cts.Token);

        var hostile = await HostileScenario.RunAsync(cluster, settings, Log, cts.Token).WaitAsync(s_testTimeout);

        Assert.Equal(0, hostile.EnvelopesNotOk);
        Assert.Equal(200, hostile.FakeOriginsHeldByEvery); // every fake was taken as news everywhere, so learned as a peer
        Assert.NotNull(hostile.DroppedSeconds);
        Assert.Empty(hostile.PickFailures);
        Assert.True(hostile.Picks > 0);
        Assert.Equal(hostile.Picks, hostile.PicksLearnedByAll);
        Assert.Empty(cluster.Casualties());
    }

    [Fact]
    public async Task Startup_TenNodesStartedTogetherWithAntiEntropyOff_AllAgree()
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        // No anti-entropy round for an hour: each node's starting book has to spread by itself once it has joined.
        var settings = Settings(10) with { NodeSettings = ["Gossip:AntiEntropyInterval=01:00:00"] };

        var sample = await StartupScenario.RunAsync(NodeBuild.FromPath(NodeProcess.NodeAssembly), settings, Log, cts.Token).WaitAsync(s_testTimeout);

        Assert.NotNull(sample.AgreeSeconds);
    }

    private Task<LocalCluster> StartAsync(ReliabilitySettings settings, CancellationToken cancellationToken) =>
        LocalCluster.StartAsync(NodeBuild.FromPath(NodeProcess.NodeAssembly), settings.Cluster(), Log, cancellationToken).WaitAsync(s_testTimeout, cancellationToken);

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
