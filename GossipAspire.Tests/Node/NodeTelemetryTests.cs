using System.Globalization;
using System.Text.Json;
using GossipAspire.Tests.Dashboard;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Real nodes exporting OTLP, the way ServiceDefaults sets it up from the environment, to a real dashboard: one
/// book change must be one trace, a pick span at the origin and a receive span per node parented by its hop.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class NodeTelemetryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneBookChange_IsOneTraceAcrossEveryNode_WithTheGossipAttributes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var api = dashboard.CreateFrontendClient();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ports = NodeProcess.FreePorts(4);
        var nodes = new List<NodeProcess>();
        try
        {
            for (var k = 0; k < ports.Length; k++)
            {
                var environment = new Dictionary<string, string>
                {
                    ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcUrl,
                    ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
                    ["OTEL_SERVICE_NAME"] = $"node-{k + 1}",
                    ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                    ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
                };
                string[] arguments = k == 0
                    ? ["--port", Port(ports[k]), "--Gossip:PickInterval=01:00:00"]
                    : ["--port", Port(ports[k]), "--seed", Port(ports[k - 1]), "--Gossip:PickInterval=01:00:00"];
                nodes.Add(NodeProcess.Start(output, arguments, ports[k], environment));
            }

            var addresses = nodes.Select(n => n.BaseAddress).ToList();
            await NodeClient.WaitUntilAsync(client, addresses, NodeClient.Converged, "all four agreeing", cts.Token);

            var (version, book) = await NodeClient.PickAsync(client, addresses[0], cts.Token);
            await NodeClient.WaitUntilAsync(client, addresses, s => s.All(n => n.World[Port(ports[0])].Version == version), "the pick everywhere", cts.Token);

            // The trace whose pick span carries this version, with a receive span from each of the other three.
            JsonElement spans = default;
            await AsyncTestHelpers.WaitUntilAsync(
                () =>
                {
                    spans = FindChangeTraceAsync(api, Port(ports[0]), version, cts.Token).GetAwaiter().GetResult();
                    return spans.ValueKind == JsonValueKind.Array
                        && spans.EnumerateArray().Count(s => s.GetProperty("name").GetString() == "gossip receive") >= 3;
                },
                TimeSpan.FromSeconds(60),
                "the change's trace with three receive spans never reached the dashboard");

            var all = spans.EnumerateArray().ToList();
            var pick = Assert.Single(all, s => s.GetProperty("name").GetString() == "gossip pick");
            Assert.Equal("node-1", pick.GetProperty("service").GetString());
            Assert.True(string.IsNullOrEmpty(pick.TryGetProperty("parentSpanId", out var rootParent) ? rootParent.GetString() : null));
            Assert.Equal(book, pick.GetProperty("attributes").GetProperty("gossip.book").GetString());

            var receives = all.Where(s => s.GetProperty("name").GetString() == "gossip receive").ToList();
            Assert.Equal(["node-2", "node-3", "node-4"], receives.Select(s => s.GetProperty("service").GetString()).Distinct().Order());
            var spanIds = all.Select(s => s.GetProperty("spanId").GetString()).ToHashSet();
            foreach (var receive in receives)
            {
                var attributes = receive.GetProperty("attributes");
                Assert.Contains(receive.GetProperty("parentSpanId").GetString(), spanIds); // parented inside the trace
                Assert.Equal(Port(ports[0]), attributes.GetProperty("gossip.origin").GetString());
                Assert.Equal(version, attributes.GetProperty("gossip.version").GetInt64());
                Assert.True(attributes.GetProperty("gossip.hop").GetInt64() >= 1);
                Assert.True(attributes.TryGetProperty("gossip.ttl", out _));
                Assert.True(attributes.TryGetProperty("gossip.message.uuid", out _));
                Assert.False(attributes.GetProperty("gossip.duplicate").GetBoolean());
            }

            // Node-to-node HTTP stays out of the change's trace: the gossip spans tell the spread.
            Assert.All(all, s => Assert.StartsWith("gossip ", s.GetProperty("name").GetString(), StringComparison.Ordinal));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<JsonElement> FindChangeTraceAsync(HttpClient api, string origin, long version, CancellationToken cancellationToken)
    {
        var list = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/traces?service=node-1&limit=50", cancellationToken)).RootElement;
        foreach (var summary in list.EnumerateArray())
        {
            var trace = JsonDocument.Parse(await api.GetStringAsync($"/api/telemetry/traces/{summary.GetProperty("traceId").GetString()}", cancellationToken)).RootElement;
            var spans = trace.GetProperty("spans");
            if (spans.EnumerateArray().Any(s => s.GetProperty("name").GetString() == "gossip pick"
                && s.GetProperty("attributes").TryGetProperty("gossip.origin", out var o) && o.GetString() == origin
                && s.GetProperty("attributes").TryGetProperty("gossip.version", out var v) && v.GetInt64() == version))
            {
                return spans.Clone();
            }
        }

        return default;
    }
}
