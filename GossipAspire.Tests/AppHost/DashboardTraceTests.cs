using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The AppHost with the real Aspire dashboard: one book change must reach the dashboard as one trace, read back
/// through the dashboard's telemetry HTTP API: the pick span at the origin as the root, one receive span from
/// each of the other nine nodes, every span parented inside the trace.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DashboardTraceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task OnePick_IsOneTraceInTheDashboard_PickSpanAndOneReceiveSpanFromEachNode()
    {
        await GossipAppHost.RunAsync(output, s_testTimeout, dashboard: true, test: async (app, nodes, ct) =>
        {
            using var dashboard = await AspireDashboard.ConnectAsync(app, ct);
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, TimeSpan.FromSeconds(60), ct);

            var pick = await nodes.PickAsync("node-1", "Middlemarch by George Eliot", ct);
            await nodes.WaitForPickAsync("node-1", pick, nodes.Except("node-1"), TimeSpan.FromSeconds(30), ct);

            // Exports are batched (OTEL_BSP_SCHEDULE_DELAY), so the spans arrive over a second or two.
            IReadOnlyList<TraceSpan> spans = [];
            var waited = Stopwatch.StartNew();
            while (!ct.IsCancellationRequested)
            {
                spans = await dashboard.FindPickTraceAsync(nodes.IdOf("node-1"), pick.Version, ct);
                if (spans.Where(s => s.Name == "gossip receive").Select(s => s.Service).Distinct().Count() >= 9 || waited.Elapsed > TimeSpan.FromSeconds(60))
                {
                    break;
                }

                await Task.Delay(500, ct);
            }

            output.WriteLine($"the trace in the dashboard after {waited.Elapsed.TotalSeconds:0.0} s: " +
                string.Join(", ", spans.Select(s => $"{s.Service} {s.Name}")));
            Assert.NotEmpty(spans);

            var root = Assert.Single(spans, s => s.Name == "gossip pick");
            Assert.Equal("node-1", root.Service);
            Assert.Null(root.ParentSpanId);
            Assert.Equal(nodes.IdOf("node-1"), root.Attribute("gossip.origin"));
            Assert.Equal(pick.Version.ToString(CultureInfo.InvariantCulture), root.Attribute("gossip.version"));
            Assert.Equal(pick.Book, root.Attribute("gossip.book"));

            // One first receive per other node; a late copy (a duplicate) may only be a marked leaf.
            var receives = spans.Where(s => s.Name == "gossip receive" && s.Attribute("gossip.duplicate") != "true").ToList();
            Assert.Equal(nodes.Except("node-1").Order(StringComparer.Ordinal), receives.Select(s => s.Service).Order(StringComparer.Ordinal));
            Assert.All(receives, r => Assert.Equal(pick.Version.ToString(CultureInfo.InvariantCulture), r.Attribute("gossip.version")));

            // One tree: one trace id, one root, every other span's parent is a span of this trace.
            Assert.Single(spans.Select(s => s.TraceId).Distinct());
            var ids = spans.Select(s => (string?)s.SpanId).ToHashSet();
            Assert.All(spans.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));
            // Node-to-node HTTP stays out of the change's trace: the gossip spans tell the spread.
            Assert.All(spans, s => Assert.StartsWith("gossip ", s.Name, StringComparison.Ordinal));
        });
    }
}
