using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>The Lab running for real (in-process Kestrel on a free loopback port) against real node processes.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LabWithNodesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lab_FromOneSeedUrl_FindsTheWholeChain_AndTheMatrixReachesAllFresh()
    {
        await using var chain = await NodeChain.StartAsync(output, 4);
        await using var lab = await LabHost.StartAsync(output, null, "--node", chain.Url(0));

        JsonElement network = default;
        await Eventually.WaitAsync(async () =>
        {
            network = await lab.GetJsonAsync("/api/network");
            var reachable = network.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("reachable").GetBoolean());
            return reachable == 4 && network.GetProperty("freshness").ValueKind == JsonValueKind.Number && network.GetProperty("freshness").GetDouble() == 1.0
                ? null
                : $"{reachable} nodes answering, freshness {network.GetProperty("freshness")}";
        }, s_wait, "the Lab finding all four nodes from one seed, all fresh");

        // Every node once, by id value (they have no resource names here), and a 4 x 4 matrix all fresh.
        Assert.Equal(chain.Ids.OrderBy(id => int.Parse(id, CultureInfo.InvariantCulture)), network.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        var matrix = network.GetProperty("matrix").EnumerateArray().ToList();
        Assert.Equal(16, matrix.Count);
        Assert.All(matrix, c => Assert.True(c.GetProperty("fresh").GetBoolean()));
        // The far end of the chain lists the others as its peers, and the Lab shows that.
        var last = network.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == chain.Ids[3]);
        Assert.Contains(chain.Ids[2], last.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task APick_ShowsUpAsAChange_WhoseTreeReachesEveryNode_UnderTheSenderEachNodeNames()
    {
        await using var chain = await NodeChain.StartAsync(output, 4);
        await using var lab = await LabHost.StartAsync(output, null, "--node", chain.Url(0));
        await Eventually.WaitAsync(async () =>
        {
            var network = await lab.GetJsonAsync("/api/network");
            return network.GetProperty("freshness").ValueKind == JsonValueKind.Number && network.GetProperty("freshness").GetDouble() == 1.0
                && network.GetProperty("nodes").GetArrayLength() == 4 ? null : $"freshness {network.GetProperty("freshness")}";
        }, s_wait, "the network settled");

        var origin = chain.Ids[2];
        var version = await chain.PickAsync(2);
        output.WriteLine($"node {origin} picked version {version}");

        JsonElement detail = default;
        await Eventually.WaitAsync(async () =>
        {
            var changes = await lab.GetJsonAsync("/api/changes?limit=100");
            var change = changes.GetProperty("changes").EnumerateArray()
                .FirstOrDefault(c => c.GetProperty("origin").GetString() == origin && c.GetProperty("version").GetInt64() == version);
            if (change.ValueKind == JsonValueKind.Undefined)
            {
                return "the change is not listed yet";
            }

            detail = await lab.GetJsonAsync($"/api/changes/{Uri.EscapeDataString(change.GetProperty("id").GetString()!)}");
            var reached = detail.GetProperty("change").GetProperty("nodesReached").GetInt32();
            return reached == 4 ? null : $"{reached} nodes reached";
        }, s_wait, "the pick's tree reaching every node");

        output.WriteLine(detail.ToString());
        var summary = detail.GetProperty("change");
        Assert.Equal(4, summary.GetProperty("nodesKnown").GetInt32());
        Assert.False(summary.GetProperty("superseded").GetBoolean());
        // The origin's earlier changes (its first book) are superseded by this pick.
        var earlier = (await lab.GetJsonAsync("/api/changes?limit=100")).GetProperty("changes").EnumerateArray()
            .Where(c => c.GetProperty("origin").GetString() == origin && c.GetProperty("version").GetInt64() < version).ToList();
        Assert.NotEmpty(earlier);
        Assert.All(earlier, c => Assert.True(c.GetProperty("superseded").GetBoolean()));
        Assert.Empty(detail.GetProperty("missing").EnumerateArray());
        var tree = detail.GetProperty("tree").EnumerateArray().ToList();
        Assert.Equal(4, tree.Count);
        Assert.Equal(origin, tree[0].GetProperty("node").GetString());
        Assert.Equal(JsonValueKind.Null, tree[0].GetProperty("parent").ValueKind);

        // Each node sits under the sender its own /history/ names (the origin when it names none), at the hop it reports.
        for (var i = 0; i < 4; i++)
        {
            var id = chain.Ids[i];
            var own = await chain.HistoryEventAsync(i, origin, version) ?? throw new InvalidOperationException($"{id} has no event of the pick");
            var node = tree.Single(n => n.GetProperty("node").GetString() == id);
            if (id == origin)
            {
                continue;
            }

            var from = own.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            Assert.Equal(from ?? origin, node.GetProperty("parent").GetString());
            if (own.TryGetProperty("hop", out var hop) && hop.ValueKind == JsonValueKind.Number)
            {
                Assert.Equal(hop.GetInt32(), node.GetProperty("hop").GetInt32());
            }

            if (own.TryGetProperty("uuid", out var uuid) && uuid.ValueKind == JsonValueKind.String)
            {
                Assert.Equal(uuid.GetString(), summary.GetProperty("id").GetString());
            }
        }
    }

    [Fact]
    public async Task ChangesOfTheStartUp_SpreadDownTheChain_AndEveryTreeFollowsTheFromEachNodeGives()
    {
        // Joined one by one, each newcomer gets the world from its seed: the first books travel down the chain.
        await using var chain = await NodeChain.StartAsync(output, 4, oneByOne: true);
        await using var lab = await LabHost.StartAsync(output, null, "--node", chain.Url(3));
        await Eventually.WaitAsync(async () =>
        {
            var network = await lab.GetJsonAsync("/api/network");
            return network.GetProperty("freshness").ValueKind == JsonValueKind.Number && network.GetProperty("freshness").GetDouble() == 1.0
                && network.GetProperty("nodes").GetArrayLength() == 4 ? null : $"freshness {network.GetProperty("freshness")}";
        }, s_wait, "the network settled");

        // What every node's own /history/ says: (node, uuid) -> from.
        var from = new Dictionary<(string Node, string Uuid), string?>();
        for (var i = 0; i < 4; i++)
        {
            foreach (var e in (await lab.Api.GetFromJsonAsync<JsonElement>($"{chain.Url(i)}/history/?after=0&limit=10000")).GetProperty("events").EnumerateArray())
            {
                from[(chain.Ids[i], e.GetProperty("uuid").GetString()!)] = e.GetProperty("from").GetString();
            }
        }

        var deepest = 0;
        var changes = (await lab.GetJsonAsync("/api/changes?limit=1000")).GetProperty("changes").EnumerateArray().ToList();
        Assert.NotEmpty(changes);
        foreach (var change in changes)
        {
            var uuid = change.GetProperty("uuid").GetString()!;
            var detail = await lab.GetJsonAsync($"/api/changes/{uuid}");
            foreach (var node in detail.GetProperty("tree").EnumerateArray())
            {
                var id = node.GetProperty("node").GetString()!;
                var parent = node.GetProperty("parent").GetString();
                if (parent is null)
                {
                    Assert.Equal(change.GetProperty("origin").GetString(), id);
                    continue;
                }

                Assert.Equal(from[(id, uuid)] ?? change.GetProperty("origin").GetString(), parent);
                deepest = Math.Max(deepest, node.GetProperty("depth").GetInt32());
            }
        }

        output.WriteLine($"{changes.Count} changes; the deepest node sat {deepest} hops below its origin");
        Assert.True(deepest >= 2, "no first book travelled further than one hop down the chain");
    }

    [Fact]
    public async Task Lab_NamesNodesByTheirAspireResource_InCountingOrder_AndNodePagesOpenByNameOrId()
    {
        await using var chain = await NodeChain.StartAsync(output, 3);
        // As an AppHost's WithReference(node) sets them: services__node-1__http__0=http://localhost:PORT.
        await using var lab = await LabHost.StartAsync(output, new Dictionary<string, string?>
        {
            ["services:node-10:http:0"] = $"http://localhost:{chain.Ports[2]}",
            ["services:node-1:http:0"] = $"http://localhost:{chain.Ports[0]}",
            ["services:node-2:http:0"] = $"http://localhost:{chain.Ports[1]}",
        });

        JsonElement network = default;
        await Eventually.WaitAsync(async () =>
        {
            network = await lab.GetJsonAsync("/api/network");
            return network.GetProperty("freshness").ValueKind == JsonValueKind.Number && network.GetProperty("freshness").GetDouble() == 1.0
                ? null : $"freshness {network.GetProperty("freshness")}";
        }, s_wait, "all fresh");

        // Peers followed from /state/ are the same nodes: still three, named by resource, node-2 before node-10.
        Assert.Equal(["node-1", "node-2", "node-10"], network.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal([chain.Ids[0], chain.Ids[1], chain.Ids[2]], network.GetProperty("origins").EnumerateArray().Select(o => o.GetString()));

        foreach (var path in new[] { "/nodes/node-10", $"/nodes/{chain.Ids[2]}" })
        {
            var html = await lab.Api.GetStringAsync(path);
            Assert.Contains($"data-node=\"{chain.Ids[2]}\"", html, StringComparison.Ordinal);
            Assert.Contains($"{chain.Url(2)}/state/", html, StringComparison.Ordinal);
        }

        Assert.Contains("data-testid=\"node-not-found\"", await lab.Api.GetStringAsync("/nodes/node-11"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polls_MakeNoClientSpans_AndNodesAreToldNotToSample()
    {
        await using var chain = await NodeChain.StartAsync(output, 1);
        var port = chain.Ports[0].ToString(CultureInfo.InvariantCulture);
        var seen = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var url = activity.GetTagItem("url.full") as string ?? "";
                if (url.Contains($":{port}/", StringComparison.Ordinal))
                {
                    lock (seen)
                    {
                        seen.Add(url);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var lab = await LabHost.StartAsync(output, null, "--node", chain.Url(0));
        var monitor = lab.Service<GossipAspire.Lab.Monitoring.NetworkMonitor>();
        await Eventually.WaitAsync(() => Task.FromResult(monitor.Polls >= 5 ? null : $"{monitor.Polls} polls"), s_wait, "five polls");
        Assert.Equal(GossipAspire.Lab.Monitoring.HistoryAvailability.Reading, monitor.Snapshot.Nodes.Single().History);
        lock (seen)
        {
            Assert.Empty(seen);
        }

        // The listener does see an ordinary client's request to the same node, so the silence above is the Lab's doing.
        using (var plain = new HttpClient())
        {
            (await plain.GetAsync($"{chain.Url(0)}/state/")).EnsureSuccessStatusCode();
        }

        lock (seen)
        {
            Assert.Single(seen);
        }
    }
}
