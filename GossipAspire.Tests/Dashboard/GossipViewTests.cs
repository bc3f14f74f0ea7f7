using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The gossip views against real HTTP servers speaking the /state/ document (until the node is on main):
/// discovery from one seed, the who-knows-what matrix and its freshness, the network, and the spread of one
/// change from its trace.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GossipViewTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const long Generation = 1_967_432_190L << 20;

    [Fact]
    public async Task Monitor_FromOneSeed_FindsEveryNodeAndComputesFreshness()
    {
        var servers = await StartNetworkAsync(5);
        try
        {
            await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
            {
                ["Dashboard:Gossip:Nodes:0"] = servers[0].Url,
                ["Dashboard:Gossip:PollIntervalMilliseconds"] = "200",
            });
            var monitor = dashboard.App.Services.GetRequiredService<GossipMonitor>();

            await AsyncTestHelpers.WaitUntilAsync(() => monitor.Snapshot.Reachable.Count == 5, TimeSpan.FromSeconds(20), "the monitor did not find all five nodes from one seed");
            var snapshot = monitor.Snapshot;
            // Each node knows only its own pick so far: 5 fresh cells of 25.
            Assert.Equal(0.2, snapshot.Freshness!.Value, 3);
            var stale = snapshot.Cell(snapshot.Nodes.Single(n => n.Id == servers[1].Id), servers[0].Id);
            Assert.Null(stale.Version);
            Assert.False(stale.Fresh);

            SpreadEverything(servers);
            await AsyncTestHelpers.WaitUntilAsync(() => monitor.Snapshot.Freshness == 1.0, TimeSpan.FromSeconds(20), "freshness did not reach 100%");
            using (var api = dashboard.CreateFrontendClient())
            {
                var gossip = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync("/api/gossip")).RootElement;
                Assert.Equal(1.0, gossip.GetProperty("freshness").GetDouble());
                Assert.Equal(5, gossip.GetProperty("nodes").GetArrayLength());
                Assert.Equal(25, gossip.GetProperty("matrix").EnumerateArray().Count(c => c.GetProperty("fresh").GetBoolean()));
            }

            servers[2].Pick(Generation + 2, "Emma by Jane Austen");
            await AsyncTestHelpers.WaitUntilAsync(() => monitor.Snapshot.Freshness is < 1.0, TimeSpan.FromSeconds(20), "a new pick did not make the others stale");
            Assert.Equal(1 - 4.0 / 25, monitor.Snapshot.Freshness!.Value, 3);

            await servers[4].DisposeAsync();
            await AsyncTestHelpers.WaitUntilAsync(() => monitor.Snapshot.Nodes.Any(n => n.Id == servers[4].Id && !n.Reachable), TimeSpan.FromSeconds(20), "a stopped node was not shown as down");
        }
        finally
        {
            foreach (var server in servers.Take(4))
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GossipPage_MatrixConvergesToAllFresh_AndACellOpensThePropagationTree()
    {
        var servers = await StartNetworkAsync(6);
        try
        {
            await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
            {
                ["Dashboard:Gossip:Nodes:0"] = servers[0].Url,
                ["Dashboard:Gossip:PollIntervalMilliseconds"] = "250",
            });
            using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 6, nodeIds: [.. servers.Select(s => s.Id)]);
            var traceId = telemetry.EmitBookChange(origin: 1, version: servers[0].Version, book: servers[0].Book);
            var page = await browser.NewPageAsync();

            await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/gossip");
            var matrix = page.GetByTestId("matrix");
            await Assertions.Expect(matrix.Locator("td[data-fresh]")).ToHaveCountAsync(36, new() { Timeout = 20_000 });
            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(30);
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("16.7%");
            await BrowserFixture.ScreenshotAsync(page, "gossip-stale", output);

            SpreadEverything(servers);

            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%");
            await Assertions.Expect(page.GetByTestId("network").Locator("g.node")).ToHaveCountAsync(6);
            await BrowserFixture.ScreenshotAsync(page, "gossip", output);

            // The cell of origin 1 links to the trace of that very change.
            await matrix.Locator($"a[href='gossip/spread/{traceId}']").First.ClickAsync();

            var tree = page.GetByTestId("propagation-tree");
            await Assertions.Expect(tree).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("nodes-reached")).ToHaveTextAsync("6");
            await Assertions.Expect(page.GetByTestId("origin")).ToHaveTextAsync(servers[0].Id);
            await Assertions.Expect(tree.Locator("tbody tr")).ToHaveCountAsync(7);
            await Assertions.Expect(tree.Locator("tr.duplicate")).ToHaveCountAsync(1);
            await BrowserFixture.ScreenshotAsync(page, "propagation", output);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Monitor_Polls_CarryAnUnsampledTraceContext_SoNodesRecordNoSpanForThem()
    {
        var servers = await StartNetworkAsync(1);
        try
        {
            await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
            {
                ["Dashboard:Gossip:Nodes:0"] = servers[0].Url,
                ["Dashboard:Gossip:PollIntervalMilliseconds"] = "200",
            });

            await AsyncTestHelpers.WaitUntilAsync(() => servers[0].LastTraceParent is not null, TimeSpan.FromSeconds(20), "the monitor did not poll");

            // version 00, a trace id, a span id, flags 00: not sampled.
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", servers[0].LastTraceParent);
        }
        finally
        {
            await servers[0].DisposeAsync();
        }
    }

    [Fact]
    public async Task PropagationTree_FromARealTrace_SkipsHttpSpansAndKeepsDuplicatesAsLeaves()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 5);

        var traceId = telemetry.EmitBookChange(origin: 2, version: 42, book: "Kim by Rudyard Kipling");

        var trace = dashboard.Repository.GetTrace(traceId)!;
        var tree = PropagationTree.Build(trace)!;
        Assert.Equal("5002", tree.Origin);
        Assert.Equal(42, tree.Version);
        Assert.Equal(5, tree.NodesReached);
        Assert.Equal(1, tree.DuplicateCount);
        Assert.Equal("5002", tree.Root.Node);
        Assert.Equal(2, tree.Root.Children.Count);
        Assert.All(tree.Hops.Where(h => h.Parent is not null), h => Assert.Equal(h.Parent!.Hop + 1, h.Hop));
        Assert.All(tree.Hops.Where(h => h.Duplicate), h => Assert.Empty(h.Children));
        Assert.True(tree.TimeToLastNode > TimeSpan.Zero);
        Assert.Equal(traceId, dashboard.Repository.FindChangeTrace("5002", 42));
    }

    /// <summary>Starts n servers, each having picked a book and knowing only its own pick, chained by peers.</summary>
    private static async Task<List<StateServer>> StartNetworkAsync(int count)
    {
        var servers = new List<StateServer>();
        for (var i = 0; i < count; i++)
        {
            var server = await StateServer.StartAsync();
            server.Pick(Generation + 1, $"Book {i + 1}");
            servers.Add(server);
        }

        // A chain: each knows its neighbours, so only crawling finds the far end.
        for (var i = 0; i < count; i++)
        {
            servers[i].SetPeers(new[] { i - 1, i + 1 }.Where(j => j >= 0 && j < count).Select(j => servers[j].Id));
        }

        return servers;
    }

    private static void SpreadEverything(List<StateServer> servers)
    {
        foreach (var observer in servers)
        {
            foreach (var origin in servers)
            {
                observer.Learn(origin.Id, origin.Version, origin.Book);
            }
        }
    }
}
