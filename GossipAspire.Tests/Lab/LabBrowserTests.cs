using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>
/// The Lab's pages in Debian's Chromium (headless), against the real Lab and real nodes named as an AppHost
/// names them (node-1 ...). Screenshots go to TestResults/screenshots/lab-*.png.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LabBrowserTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string DashboardUrl = "http://localhost:18888";
    private static readonly LocatorAssertionsToHaveCountOptions s_count = new() { Timeout = 60_000 };
    private static readonly LocatorAssertionsToHaveTextOptions s_text = new() { Timeout = 60_000 };

    [Fact]
    public async Task NetworkPage_MatrixTurnsAllFresh_AndACellOpensTheTreeWithEveryNode()
    {
        await using var chain = await NodeChain.StartAsync(output, 4);
        await using var lab = await StartLabAsync(chain);
        var page = await browser.NewPageAsync();
        try
        {
            await BrowserFixture.GotoAsync(page, lab.Url + "/");
            var matrix = page.GetByTestId("matrix");
            await Assertions.Expect(matrix.Locator("td[data-fresh]")).ToHaveCountAsync(16, s_count);
            await Assertions.Expect(matrix.Locator("td[data-fresh='false']")).ToHaveCountAsync(0, s_count);
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%", s_text);
            await Assertions.Expect(page.GetByTestId("network").Locator("g.node")).ToHaveCountAsync(4);
            Assert.Equal(["node-1", "node-2", "node-3", "node-4"], (await matrix.Locator("thead th").AllInnerTextsAsync()).Skip(1));

            // A pick on node-2: its column shows the new version in every row, live, and all is fresh again.
            var origin = chain.Ids[1];
            var version = await chain.PickAsync(1);
            await Assertions.Expect(matrix.Locator($"td[data-origin='{origin}'][title*='v{version} ']")).ToHaveCountAsync(4, s_count);
            await Assertions.Expect(page.GetByTestId("freshness")).ToHaveTextAsync("100.0%", s_text);
            await Assertions.Expect(page.GetByTestId("freshness-chart")).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "lab-network", output);

            // node-4's cell for node-2 opens the spread of that very change.
            await matrix.Locator($"tr[data-observer='{chain.Ids[3]}'] td[data-origin='{origin}'] a").ClickAsync();
            var tree = page.GetByTestId("propagation-tree");
            await Assertions.Expect(tree.Locator("tbody tr")).ToHaveCountAsync(4, s_count);
            await Assertions.Expect(page.GetByTestId("origin")).ToHaveTextAsync("node-2");
            await Assertions.Expect(page.GetByTestId("nodes-reached")).ToHaveTextAsync("4", s_text);
            await Assertions.Expect(page.GetByTestId("nodes-known")).ToHaveTextAsync("4");
            foreach (var id in chain.Ids)
            {
                await Assertions.Expect(tree.Locator($"tr[data-node='{id}']")).ToHaveCountAsync(1);
            }

            await Assertions.Expect(tree.Locator($"tbody tr[data-parent='{origin}']")).ToHaveCountAsync(3);
            await Assertions.Expect(page.GetByTestId("missing-none")).ToBeVisibleAsync();

            // The trace link: to the Aspire dashboard when the nodes gave a trace id, else a mark saying why not.
            var changeId = Uri.UnescapeDataString(page.Url.Split("/changes/")[1]);
            var detail = await lab.GetJsonAsync($"/api/changes/{Uri.EscapeDataString(changeId)}");
            if (detail.GetProperty("change").GetProperty("traceId").GetString() is { } traceId)
            {
                await Assertions.Expect(page.Locator("section.summary").GetByTestId("trace-link")).ToHaveAttributeAsync("href", $"{DashboardUrl}/traces/detail/{traceId}");
            }
            else
            {
                await Assertions.Expect(page.Locator("section.summary").GetByTestId("no-trace-link")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("no trace id"));
            }

            await BrowserFixture.ScreenshotAsync(page, "lab-change", output);

            // The same change, newest first on the changes page, reached by all four.
            await page.Locator("nav").GetByText("Changes").ClickAsync();
            var row = page.GetByTestId("changes").Locator($"tr[data-change-id='{changeId}']");
            await Assertions.Expect(row.GetByTestId("reached")).ToHaveTextAsync("4 / 4", s_text);
            await Assertions.Expect(page.GetByTestId("changes").Locator("tbody tr").First).ToHaveAttributeAsync("data-change-id", changeId);
            await BrowserFixture.ScreenshotAsync(page, "lab-changes", output);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task NodePage_ShowsTheNode_ByResourceNameAndById()
    {
        await using var chain = await NodeChain.StartAsync(output, 4);
        await using var lab = await StartLabAsync(chain);
        var state = JsonDocument.Parse(await lab.Api.GetStringAsync($"{chain.Url(2)}/state/")).RootElement;
        var page = await browser.NewPageAsync();
        try
        {
            await BrowserFixture.GotoAsync(page, lab.Url + "/nodes/node-3");
            await Assertions.Expect(page.GetByTestId("node-name")).ToHaveAttributeAsync("data-node", chain.Ids[2]);
            await Assertions.Expect(page.GetByTestId("node-state")).ToHaveTextAsync("answering", s_text);
            await Assertions.Expect(page.GetByTestId("state-link")).ToHaveAttributeAsync("href", $"{chain.Url(2)}/state/");
            await Assertions.Expect(page.GetByTestId("node-book")).ToHaveTextAsync(state.GetProperty("book").GetString()!, s_text);
            await Assertions.Expect(page.GetByTestId("world").Locator("tbody tr[data-fresh='true']")).ToHaveCountAsync(4, s_count);
            await Assertions.Expect(page.GetByTestId("node-peers").Locator("a")).ToHaveCountAsync(3, s_count);
            await Assertions.Expect(page.GetByTestId("stats").Locator("tr[data-stat='requests_sent']")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("node-history").Locator("tbody tr")).Not.ToHaveCountAsync(0, s_count);
            await BrowserFixture.ScreenshotAsync(page, "lab-node", output);

            // By id too, and from its peer list to another node's page.
            await BrowserFixture.GotoAsync(page, lab.Url + "/nodes/" + chain.Ids[2]);
            await Assertions.Expect(page.GetByTestId("node-name")).ToContainTextAsync("node-3");
            await page.GetByTestId("node-peers").Locator($"a[data-peer='{chain.Ids[3]}']").ClickAsync();
            await Assertions.Expect(page.GetByTestId("node-name")).ToHaveAttributeAsync("data-node", chain.Ids[3]);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private Task<LabHost> StartLabAsync(NodeChain chain)
    {
        var settings = new Dictionary<string, string?> { ["Lab:DashboardUrl"] = DashboardUrl, ["Lab:PollInterval"] = "00:00:00.500" };
        for (var i = 0; i < chain.Ports.Count; i++)
        {
            settings[$"services:node-{i + 1}:http:0"] = $"http://localhost:{chain.Ports[i]}";
        }

        return LabHost.StartAsync(output, settings);
    }
}
