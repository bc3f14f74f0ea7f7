using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using GossipAspire.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The dashboard as a developer meets it: started by the AppHost with ten real nodes, reached through the login
/// link with the browser token, driven in Debian's Chromium. Nodes pick only when a test tells them to. Each
/// test saves screenshots of the pages it checks under TestResults/screenshots (names starting "apphost-").
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AppHostDashboardBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan s_convergence = TimeSpan.FromSeconds(60);
    private static readonly LocatorAssertionsToHaveCountOptions s_countOptions = new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds };
    private static readonly LocatorAssertionsToHaveTextOptions s_textOptions = new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds };
    private static readonly LocatorAssertionsToContainTextOptions s_containsOptions = new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds };

    [Fact]
    public async Task ResourcesPage_ListsTheTenRunningNodes_WithTheirUrlsAndPids()
    {
        await WithHealthyClusterAsync(async (app, nodes, logIn, ct) =>
        {
            var page = await logIn();

            var rows = page.GetByTestId("resources").Locator("tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(AppHostDashboard.NodeCount, s_countOptions);
            // In the order a person counts them: node-2 before node-10.
            Assert.Equal(nodes.Names, await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.resource)"));
            foreach (var name in nodes.Names)
            {
                Assert.True(app.ResourceNotifications.TryGetCurrentState(name, out var current));
                var row = page.Locator($"tr[data-resource='{name}']");
                await Assertions.Expect(row.Locator("td").Nth(0)).ToHaveTextAsync(name, s_textOptions);
                await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(KnownResourceTypes.Project, s_textOptions);
                await Assertions.Expect(row.GetByTestId("state")).ToHaveTextAsync(KnownResourceStates.Running, s_textOptions);
                await Assertions.Expect(row.GetByTestId("health")).ToHaveTextAsync("Healthy", s_textOptions);
                await Assertions.Expect(row.Locator("td").Nth(4).Locator("a")).ToHaveTextAsync(app.GetEndpoint(name).ToString().TrimEnd('/'), s_textOptions);
                await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync(current.Snapshot.Pid!.Value.ToString(CultureInfo.InvariantCulture), s_textOptions);
                await Assertions.Expect(row.Locator("td").Nth(7)).ToHaveTextAsync("0", s_textOptions);
                await Assertions.Expect(row.Locator("[data-command='restart']")).ToBeEnabledAsync(new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds });
            }

            // The dashboard runs as a hidden resource and does not list itself.
            await Assertions.Expect(page.Locator($"tr[data-resource='{AppHostDashboard.DashboardResource}']")).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "apphost-resources", output);

            // The dashboard's console stays readable: ten nodes exporting every second leave no request logs in it.
            var dashboardLines = app.Services.GetRequiredService<ResourceLoggerService>().GetBufferedLines(AppHostDashboard.DashboardResource);
            Assert.Contains(dashboardLines, l => l.Content.Contains("Now listening on", StringComparison.Ordinal));
            Assert.DoesNotContain(dashboardLines, l => l.Content.Contains("Request finished", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task ResourcesPage_RestartButton_RestartsTheNode_WithANewPid()
    {
        await WithHealthyClusterAsync(async (app, nodes, logIn, ct) =>
        {
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node-3", out var before));
            var oldPid = before.Snapshot.Pid!.Value.ToString(CultureInfo.InvariantCulture);
            var page = await logIn();
            var row = page.Locator("tr[data-resource='node-3']");
            await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync(oldPid, s_textOptions);

            // What the AppHost goes through, watched from its side while the button is pressed.
            var states = WatchStatesUntilRestartedAsync(app, "node-3", ct);
            await row.Locator("[data-command='restart']").ClickAsync();

            await Assertions.Expect(page.GetByTestId("command-result")).ToContainTextAsync("restart node-3: done", s_containsOptions);
            // Running, through a restart (never a terminal state), and Running again.
            Assert.Equal(
                [KnownResourceStates.Running, KnownResourceStates.Stopping, KnownResourceStates.Starting, KnownResourceStates.Running],
                await states);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node-3", out var after));
            var newPid = after.Snapshot.Pid!.Value.ToString(CultureInfo.InvariantCulture);
            Assert.NotEqual(oldPid, newPid);
            await Assertions.Expect(row.GetByTestId("state")).ToHaveTextAsync(KnownResourceStates.Running, s_textOptions);
            await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync(newPid, s_textOptions);
            await Assertions.Expect(row.Locator("td").Nth(7)).ToHaveTextAsync("1", s_textOptions);
            await Assertions.Expect(row.GetByTestId("health")).ToHaveTextAsync("Healthy", s_textOptions);
            // The other nine were left alone.
            await Assertions.Expect(page.GetByTestId("resources").Locator("tbody tr td:nth-child(8)", new() { HasTextRegex = new("^0$") })).ToHaveCountAsync(9, s_countOptions);
            await BrowserFixture.ScreenshotAsync(page, "apphost-resources-restarted", output);
        });
    }

    [Fact]
    public async Task Traces_APickPropagatingAcrossTheCluster_OpensInTheWaterfallWithSpansFromAtLeastFiveNodes()
    {
        await WithHealthyClusterAsync(async (app, nodes, logIn, ct) =>
        {
            using var api = AppHostDashboard.CreateApiClient(app);
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, s_convergence, ct);
            var page = await logIn();
            await BrowserFixture.GotoAsync(page, AppHostDashboard.FrontendUrl(app) + "/traces");

            const string Book = "Middlemarch by George Eliot";
            var pick = await nodes.PickAsync("node-1", Book, ct);
            await nodes.WaitForPickAsync("node-1", pick, nodes.Except("node-1"), TimeSpan.FromSeconds(30), ct);

            // The change's trace, found through the JSON API by its root span, once spans from five nodes are in.
            string? traceId = null;
            var nodesInTrace = 0;
            await nodes.WaitUntilAsync(
                "the pick's trace holding gossip spans from at least five nodes",
                async ct =>
                {
                    traceId ??= await FindPickTraceAsync(api, "node-1", pick, ct);
                    if (traceId is null)
                    {
                        return "no trace with that gossip pick span yet";
                    }

                    nodesInTrace = await CountGossipNodesAsync(api, traceId, ct);
                    return nodesInTrace >= 5 ? null : $"gossip spans from {nodesInTrace} nodes";
                },
                TimeSpan.FromSeconds(60),
                ct);
            output.WriteLine($"trace {traceId}: gossip spans from {nodesInTrace} nodes");

            // It shows up in the open Traces page without a reload.
            var row = page.Locator($"tr[data-trace-id='{traceId}']");
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds });
            await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = "gossip pick" })).ToBeVisibleAsync();
            Assert.True(int.Parse((await row.GetAttributeAsync("data-resource-count"))!, CultureInfo.InvariantCulture) >= 5);
            await BrowserFixture.ScreenshotAsync(page, "apphost-traces", output);

            // Found as a person finds it while the list goes on growing: narrowed to node-1's picks, then opened.
            await page.GetByTestId("resource-filter").SelectOptionAsync("node-1");
            await page.GetByTestId("name-filter").FillAsync("gossip pick");
            await page.GetByTestId("name-filter").PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("traces").Locator("tbody tr", new() { HasNotText = "gossip pick" })).ToHaveCountAsync(0, s_countOptions);
            await row.GetByRole(AriaRole.Link, new() { Name = "gossip pick" }).ClickAsync();

            var waterfall = page.GetByTestId("waterfall");
            await Assertions.Expect(waterfall).ToBeVisibleAsync(new() { Timeout = AppHostDashboard.ExpectTimeoutMilliseconds });
            Assert.True(int.Parse(await page.GetByTestId("resource-count").InnerTextAsync(), CultureInfo.InvariantCulture) >= 5);
            // Every time-axis label on one line, the last one (at the right edge) included.
            var tickHeights = await waterfall.Locator(".ticks span").EvaluateAllAsync<double[]>("spans => spans.map(s => s.getBoundingClientRect().height)");
            Assert.Equal(5, tickHeights.Length);
            Assert.All(tickHeights, h => Assert.Equal(tickHeights[0], h, 1));
            var receives = waterfall.Locator(".row", new() { Has = page.Locator(".name", new() { HasTextString = "gossip receive" }) });
            Assert.True(await receives.CountAsync() >= 4, "fewer than four gossip receive rows in the waterfall");

            await waterfall.Locator(".row", new() { Has = page.Locator(".name", new() { HasTextString = "gossip pick" }) }).First.ClickAsync();
            var pane = page.GetByTestId("span-pane");
            await Assertions.Expect(pane).ToContainTextAsync("gossip.origin", s_containsOptions);
            await Assertions.Expect(pane).ToContainTextAsync(nodes.IdOf("node-1"), s_containsOptions);
            await Assertions.Expect(pane).ToContainTextAsync(Book, s_containsOptions);
            await BrowserFixture.ScreenshotAsync(page, "apphost-trace-detail", output);

            // From the trace to the spread of the change it carries.
            await page.GetByTestId("propagation-link").ClickAsync();
            await Assertions.Expect(page.GetByTestId("origin")).ToHaveTextAsync(nodes.IdOf("node-1"), s_textOptions);
            Assert.True(int.Parse(await page.GetByTestId("nodes-reached").InnerTextAsync(), CultureInfo.InvariantCulture) >= 5);
            await BrowserFixture.ScreenshotAsync(page, "apphost-propagation", output);
        });
    }

    [Fact]
    public async Task GossipPage_WithRealNodes_MatrixConvergesToAllFresh_AndFollowsANewPick()
    {
        await WithHealthyClusterAsync(async (app, nodes, logIn, ct) =>
        {
            var healthy = Stopwatch.GetTimestamp();
            var page = await logIn();

            await BrowserFixture.GotoAsync(page, AppHostDashboard.FrontendUrl(app) + "/gossip");

            var matrix = page.GetByTestId("matrix");
            const int Cells = AppHostDashboard.NodeCount * AppHostDashboard.NodeCount;
            await Assertions.Expect(matrix.Locator("td[data-fresh]")).ToHaveCountAsync(Cells, s_countOptions);
            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(0, s_countOptions);
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%", s_textOptions);
            output.WriteLine($"matrix all fresh {Stopwatch.GetElapsedTime(healthy).TotalSeconds:0.0} s after every node was healthy");
            await Assertions.Expect(page.GetByTestId("network").Locator("g.node")).ToHaveCountAsync(AppHostDashboard.NodeCount, s_countOptions);
            // Rows and columns in resource order (node-1 ... node-10), whatever ports the nodes drew.
            string[] names = [.. Enumerable.Range(1, AppHostDashboard.NodeCount).Select(k => $"node-{k}")];
            var columns = await matrix.Locator("thead th").AllInnerTextsAsync();
            Assert.Equal(names, columns.Skip(1));
            var rows = await matrix.Locator("tbody th").AllInnerTextsAsync();
            Assert.Equal(names, rows.Select(label => label.Split(' ')[0]));
            // The page agrees with the nodes themselves.
            Assert.Null(await nodes.DisagreementAsync(nodes.Names, nodes.Names, ct));

            // A new pick: node-2's column shows the new version in every row once it has spread.
            var pick = await nodes.PickAsync("node-2", "Kim by Rudyard Kipling", ct);
            var picked = Stopwatch.GetTimestamp();
            var id = nodes.IdOf("node-2");
            await Assertions.Expect(matrix.Locator($"td[title*='holds {id} v{pick.Version} ']")).ToHaveCountAsync(AppHostDashboard.NodeCount, s_countOptions);
            output.WriteLine($"the pick in every row of the matrix {Stopwatch.GetElapsedTime(picked).TotalSeconds:0.0} s after it was made");
            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(0, s_countOptions);
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%", s_textOptions);
            await BrowserFixture.ScreenshotAsync(page, "apphost-gossip", output);

            // Ten nodes polled every second for all that time, and not one of those polls became a trace.
            using var api = AppHostDashboard.CreateApiClient(app);
            using var traces = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/traces?limit=1000", ct));
            Assert.Contains(traces.RootElement.EnumerateArray(), t => t.GetProperty("name").GetString() == "gossip pick");
            Assert.DoesNotContain(traces.RootElement.EnumerateArray(), t => t.GetProperty("name").GetString()!.Contains("/state", StringComparison.Ordinal));
        });
    }

    /// <summary>The resource's states, from its current one until it is running and healthy after one restart, each change once.</summary>
    private static async Task<List<string>> WatchStatesUntilRestartedAsync(DistributedApplication app, string name, CancellationToken cancellationToken)
    {
        var states = new List<string>();
        await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (resourceEvent.Resource.Name != name || resourceEvent.Snapshot.State?.Text is not { } state)
            {
                continue;
            }

            if (states.Count == 0 || states[^1] != state)
            {
                states.Add(state);
            }

            if (resourceEvent.Snapshot is { RestartCount: 1, State.Text: KnownResourceStates.Running, HealthStatus: HealthStatus.Healthy })
            {
                break;
            }
        }

        return states;
    }

    /// <summary>The trace whose "gossip pick" span is this pick (by origin service and version), or null.</summary>
    private static async Task<string?> FindPickTraceAsync(HttpClient api, string origin, PickAnswer pick, CancellationToken cancellationToken)
    {
        var version = pick.Version.ToString(CultureInfo.InvariantCulture);
        using var list = JsonDocument.Parse(await api.GetStringAsync($"/api/telemetry/traces?service={origin}&limit=20", cancellationToken));
        foreach (var summary in list.RootElement.EnumerateArray())
        {
            var traceId = summary.GetProperty("traceId").GetString()!;
            using var trace = JsonDocument.Parse(await api.GetStringAsync($"/api/telemetry/traces/{traceId}", cancellationToken));
            if (trace.RootElement.GetProperty("spans").EnumerateArray().Any(s =>
                s.GetProperty("name").GetString() == "gossip pick"
                && s.GetProperty("attributes").TryGetProperty("gossip.version", out var v)
                && v.ToString() == version))
            {
                return traceId;
            }
        }

        return null;
    }

    /// <summary>How many services sent "gossip pick" or "gossip receive" spans of the trace.</summary>
    private static async Task<int> CountGossipNodesAsync(HttpClient api, string traceId, CancellationToken cancellationToken)
    {
        using var trace = JsonDocument.Parse(await api.GetStringAsync($"/api/telemetry/traces/{traceId}", cancellationToken));
        return trace.RootElement.GetProperty("spans").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() is "gossip pick" or "gossip receive")
            .Select(s => s.GetProperty("service").GetString())
            .Distinct()
            .Count();
    }

    /// <summary>
    /// The frame of every test here: its own AppHost with the dashboard and ten nodes, started and healthy; then the
    /// test, which logs in when it is ready to (<c>logIn</c>); then, in any case, the page closed and the app stopped.
    /// </summary>
    private async Task WithHealthyClusterAsync(Func<DistributedApplication, GossipNodes, Func<Task<IPage>>, CancellationToken, Task> test)
    {
        using var cts = new CancellationTokenSource(s_testTimeout);
        await using var builder = await AppHostDashboard.CreateBuilderAsync(output, cts.Token);
        await using var app = await builder.BuildAsync(cts.Token);
        using var nodes = new GossipNodes(app, output, AppHostDashboard.NodeCount);
        IPage? page = null;
        try
        {
            await app.StartAsync(cts.Token);
            await AppHostDashboard.WaitHealthyAsync(app, nodes, cts.Token);
            await test(app, nodes, async () => page = await AppHostDashboard.LogInAsync(browser, app), cts.Token);
        }
        finally
        {
            if (page is not null)
            {
                await page.Context.CloseAsync();
            }

            await app.StopAsync(CancellationToken.None);
        }
    }
}
