using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The real Aspire dashboard as a developer meets it under our AppHost: reached through the login link with the
/// browser token, driven in Debian's Chromium. Each test saves screenshots of what it checked under
/// TestResults/screenshots (names starting "aspire-"); the README shows them.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(5);

    /// <summary>For waits on a live cluster; Playwright's own default (5 s) is short on two shared cores.</summary>
    private const float ExpectTimeout = 30_000;

    [Fact]
    public async Task Login_WithTheBrowserToken_ShowsTheResourcesPage_WithTenRunningNodes()
    {
        await GossipAppHost.RunAsync(output, s_testTimeout, dashboard: true, test: async (app, nodes, ct) =>
        {
            using var dashboard = await AspireDashboard.ConnectAsync(app, ct);

            // A wrong token is not let in.
            var stranger = await browser.NewPageAsync();
            await stranger.GotoAsync(new Uri(dashboard.BaseAddress, "/login?t=not-the-token").ToString(), new() { Timeout = ExpectTimeout * 3 });
            await Assertions.Expect(stranger.Locator("td[title='Project: node-1']")).ToHaveCountAsync(0);
            Assert.Contains("/login", stranger.Url, StringComparison.Ordinal);

            var page = await LogInAsync(dashboard);
            foreach (var name in nodes.Names)
            {
                var row = ResourceRow(page, name);
                await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = ExpectTimeout });
                await Assertions.Expect(row.Locator("td[title='Running']")).ToHaveCountAsync(1, new() { Timeout = ExpectTimeout });
                // Each node's URLs: its own address (its id is the port) and its /state/ document.
                await Assertions.Expect(row.Locator($"a[href='{app.GetEndpoint(name).ToString().TrimEnd('/')}/state/']")).ToHaveCountAsync(1);
            }

            await Assertions.Expect(page.Locator("tr.resource-row td[title^='Project: node-']")).ToHaveCountAsync(nodes.Names.Count);
            await BrowserFixture.ScreenshotAsync(page, "aspire-resources", output);
        });
    }

    [Fact]
    public async Task PickCommand_FromTheDashboard_PicksABook_AndItsTraceOpensWithSpansFromAllTenNodes()
    {
        await GossipAppHost.RunAsync(output, s_testTimeout, dashboard: true, test: async (app, nodes, ct) =>
        {
            using var dashboard = await AspireDashboard.ConnectAsync(app, ct);
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, TimeSpan.FromSeconds(60), ct);
            var before = await nodes.GetStateAsync("node-3", ct);
            var page = await LogInAsync(dashboard);

            await ResourceRow(page, "node-3").GetByRole(AriaRole.Button, new() { Name = "Actions" }).ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Pick a book now" }).ClickAsync();
            await Assertions.Expect(page.GetByText("node-3 \"Pick a book now\" succeeded")).ToBeVisibleAsync(new() { Timeout = ExpectTimeout });

            // The command made node-3 pick: a higher version, which reaches the other nine.
            var after = await nodes.GetStateAsync("node-3", ct);
            Assert.True(after.Version > before.Version, $"node-3 is still at version {after.Version} after the command (was {before.Version})");
            await nodes.WaitForPickAsync("node-3", new PickAnswer(after.Version, after.Book!), nodes.Except("node-3"), TimeSpan.FromSeconds(30), ct);

            IReadOnlyList<TraceSpan> spans = [];
            await nodes.WaitUntilAsync(
                "the pick's trace in the dashboard with a receive span from every other node",
                async ct =>
                {
                    spans = await dashboard.FindPickTraceAsync(nodes.IdOf("node-3"), after.Version, ct);
                    var receivers = spans.Where(s => s.Name == "gossip receive").Select(s => s.Service).Distinct().Count();
                    return receivers >= 9 ? null : $"{receivers} receivers so far";
                },
                TimeSpan.FromSeconds(60),
                ct);

            // Opened as a developer would from the Traces page: the trace's waterfall, a row per span, per node.
            await page.GotoAsync(new Uri(dashboard.BaseAddress, $"/traces/detail/{spans[0].TraceId}").ToString());
            await Assertions.Expect(page.Locator("td[title='node-3: gossip pick']")).ToHaveCountAsync(1, new() { Timeout = ExpectTimeout });
            foreach (var name in nodes.Except("node-3"))
            {
                await Assertions.Expect(page.Locator($"td[title='{name}: gossip receive']").First).ToBeVisibleAsync(new() { Timeout = ExpectTimeout });
            }

            // The trace's header counts the resources it spans.
            await Assertions.Expect(page.Locator(".trace-header-details div", new() { HasText = "Resources" }).Locator("strong")).ToHaveTextAsync("10");
            await BrowserFixture.ScreenshotAsync(page, "aspire-trace", output);
        });
    }

    [Fact]
    public async Task Lab_BesideTheDashboard_MatrixTurnsAllFresh_AndAChangeLinksToItsTraceInTheDashboard()
    {
        await GossipAppHost.RunAsync(output, s_testTimeout, dashboard: true, test: async (app, nodes, ct) =>
        {
            using var dashboard = await AspireDashboard.ConnectAsync(app, ct);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("lab", ct);
            var labUrl = app.GetEndpoint("lab", "http").ToString().TrimEnd('/');
            var page = await LogInAsync(dashboard);

            // The Lab is a resource with its URL, and each node links to its own page in the Lab.
            await Assertions.Expect(ResourceRow(page, "lab").Locator($"a[href^='{labUrl}']")).ToHaveCountAsync(1, new() { Timeout = ExpectTimeout });
            var nodeLink = ResourceRow(page, "node-3").GetByRole(AriaRole.Link, new() { Name = "In the Lab" });
            await Assertions.Expect(nodeLink).ToHaveAttributeAsync("href", $"{labUrl}/nodes/node-3");
            await BrowserFixture.GotoAsync(page, $"{labUrl}/nodes/node-3", ExpectTimeout * 3);
            await Assertions.Expect(page.GetByTestId("node-name")).ToHaveAttributeAsync("data-node", nodes.IdOf("node-3"), new() { Timeout = ExpectTimeout });
            await Assertions.Expect(page.GetByTestId("node-state")).ToHaveTextAsync("answering", new() { Timeout = ExpectTimeout });

            // The who-knows-what matrix of the ten nodes turns all fresh.
            await BrowserFixture.GotoAsync(page, labUrl + "/", ExpectTimeout);
            var matrix = page.GetByTestId("matrix");
            await Assertions.Expect(matrix.Locator("td[data-fresh]")).ToHaveCountAsync(100, new() { Timeout = ExpectTimeout * 2 });
            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(0, new() { Timeout = ExpectTimeout * 2 });
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%", new() { Timeout = ExpectTimeout });
            Assert.Equal(nodes.Names, (await matrix.Locator("thead th").AllInnerTextsAsync()).Skip(1));
            await BrowserFixture.ScreenshotAsync(page, "aspire-lab-network", output);

            // A pick at node-2 is a change in the Lab whose trace link opens that trace in the dashboard.
            var pick = await nodes.PickAsync("node-2", "Kim by Rudyard Kipling", ct);
            await nodes.WaitForPickAsync("node-2", pick, nodes.Except("node-2"), TimeSpan.FromSeconds(30), ct);
            await BrowserFixture.GotoAsync(page, labUrl + "/changes", ExpectTimeout);
            var row = page.GetByTestId("changes").Locator($"tr[data-origin='{nodes.IdOf("node-2")}']").Filter(new() { HasText = "Kim by Rudyard Kipling" });
            await Assertions.Expect(row.GetByTestId("reached")).ToHaveTextAsync("10 / 10", new() { Timeout = ExpectTimeout });
            var traceLink = row.GetByTestId("trace-link");
            await Assertions.Expect(traceLink).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(dashboard.BaseAddress.ToString().TrimEnd('/'))}/traces/detail/[0-9a-f]{{32}}$"));
            await BrowserFixture.ScreenshotAsync(page, "aspire-lab-changes", output);

            await page.GotoAsync((await traceLink.GetAttributeAsync("href"))!);
            await Assertions.Expect(page.Locator("td[title='node-2: gossip pick']")).ToHaveCountAsync(1, new() { Timeout = ExpectTimeout });
        });
    }

    /// <summary>Logs in as a developer does, with the link the AppHost prints, and waits for the Resources page.</summary>
    private async Task<IPage> LogInAsync(AspireDashboard dashboard)
    {
        var page = await browser.NewPageAsync();
        // The first page of a dashboard that has just started, with ten nodes starting beside it on two cores, can be slow.
        await page.GotoAsync(dashboard.LoginUrl.ToString(), new() { Timeout = ExpectTimeout * 3 });
        await Assertions.Expect(page.Locator("tr.resource-row").First).ToBeVisibleAsync(new() { Timeout = ExpectTimeout * 2 });
        return page;
    }

    private static ILocator ResourceRow(IPage page, string name) =>
        page.Locator("tr.resource-row").Filter(new() { Has = page.Locator($"td[title='Project: {name}']") });
}
