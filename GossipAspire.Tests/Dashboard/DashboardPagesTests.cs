using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The pages in a real browser (Debian's Chromium driven by Playwright) against a real dashboard fed by the
/// real OpenTelemetry SDK. Each test saves a screenshot of the page it checks under TestResults/screenshots.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DashboardPagesTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string Token = "pages-test-token";

    [Fact]
    public async Task Login_WithTheToken_OpensTheDashboard_AndAWrongTokenIsRefused()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output, new Dictionary<string, string?>
        {
            ["Dashboard:Frontend:AuthMode"] = "BrowserToken",
            ["Dashboard:Frontend:BrowserToken"] = Token,
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(dashboard.FrontendUrl + "/traces");
        Assert.StartsWith(dashboard.FrontendUrl + "/login", page.Url); // not in without the token
        await page.GotoAsync(dashboard.FrontendUrl + "/login?t=not-the-token");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
        await BrowserFixture.ScreenshotAsync(page, "login-refused", output);
        await page.GotoAsync(dashboard.FrontendUrl + "/");
        Assert.StartsWith(dashboard.FrontendUrl + "/login", page.Url);

        await page.GotoAsync(dashboard.FrontendUrl + $"/login?t={Token}");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();
        await page.GotoAsync(dashboard.FrontendUrl + "/traces");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Traces_PropagationTraceAcrossSixNodes_OpensInTheWaterfallWithSpanDetails()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 6);
        var page = await browser.NewPageAsync();
        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/traces");

        // Sent while the page is open: it must appear without a reload.
        var traceId = telemetry.EmitBookChange(origin: 1, version: 1_967_432_190_001_153, book: "Kim by Rudyard Kipling");

        var row = page.Locator($"tr[data-trace-id='{traceId}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-resource-count", "6");
        await BrowserFixture.ScreenshotAsync(page, "traces", output);

        await row.GetByRole(AriaRole.Link, new() { Name = "gossip pick" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("waterfall")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("span-count")).ToHaveTextAsync("7");
        await Assertions.Expect(page.GetByTestId("resource-count")).ToHaveTextAsync("6");
        var rows = page.GetByTestId("waterfall").Locator(".row");
        await Assertions.Expect(rows).ToHaveCountAsync(7);
        Assert.True(await page.Locator(".row[data-depth='2']").CountAsync() > 0, "the waterfall indents children by depth");

        await rows.Nth(0).ClickAsync();
        var pane = page.GetByTestId("span-pane");
        await Assertions.Expect(pane).ToContainTextAsync("gossip.origin");
        await Assertions.Expect(pane).ToContainTextAsync("Kim by Rudyard Kipling");
        await BrowserFixture.ScreenshotAsync(page, "trace-detail", output);

        // From the trace to the spread of the change it carries.
        await page.GetByTestId("propagation-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("nodes-reached")).ToHaveTextAsync("6");
    }

    [Fact]
    public async Task Traces_Paused_HoldsTheListStill_AndResumeShowsWhatArrived()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 3);
        var page = await browser.NewPageAsync();
        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/traces");
        var first = telemetry.EmitBookChange(origin: 1, version: 1_967_432_190_001_153, book: "Kim by Rudyard Kipling");
        var rows = page.GetByTestId("traces").Locator("tbody tr");
        await Assertions.Expect(page.Locator($"tr[data-trace-id='{first}']")).ToBeVisibleAsync();

        var pause = page.GetByTestId("pause");
        await pause.ClickAsync();
        await Assertions.Expect(pause).ToHaveTextAsync("Resume");
        await Assertions.Expect(page.GetByTestId("paused")).ToHaveTextAsync("Paused");
        var second = telemetry.EmitBookChange(origin: 2, version: 1_967_432_190_001_154, book: "Emma by Jane Austen");

        // The store has it (the API answers with it), the page says so, and the list stays as it was.
        await Assertions.Expect(page.GetByTestId("paused")).ToHaveTextAsync("Paused: new traces have arrived");
        using var api = new HttpClient { BaseAddress = new Uri(dashboard.FrontendUrl), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Contains(second, await api.GetStringAsync("/api/telemetry/traces"));
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "traces-paused", output);

        await pause.ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-trace-id='{second}']")).ToBeVisibleAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("paused")).ToHaveCountAsync(0);

        // Live again: the next trace appears without another click.
        var third = telemetry.EmitBookChange(origin: 3, version: 1_967_432_190_001_155, book: "Ulysses by James Joyce");
        await Assertions.Expect(page.Locator($"tr[data-trace-id='{third}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task StructuredLogs_FilterByLevelAndText_ShowsOnlyMatchingEntries()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 2);
        telemetry.Log(1, LogLevel.Information, "Picked {Book} at version {Version}", "Middlemarch by George Eliot", 7);
        telemetry.Log(2, LogLevel.Warning, "Peer {Peer} failed {Failures} times", "5009", 3);
        telemetry.Log(2, LogLevel.Error, "Dropped envelope from {Peer}: {Reason}", "5004", "ttl <= 0");
        var page = await browser.NewPageAsync();

        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/structuredlogs");
        var logs = page.GetByTestId("logs").Locator("tbody tr");
        await Assertions.Expect(logs).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("logs")).ToContainTextAsync("Picked Middlemarch by George Eliot at version 7");
        await BrowserFixture.ScreenshotAsync(page, "structured-logs", output);

        await page.GetByTestId("level-filter").SelectOptionAsync("Warning");
        await Assertions.Expect(logs).ToHaveCountAsync(2);
        await page.GetByTestId("text-filter").FillAsync("5004");
        await page.GetByTestId("text-filter").PressAsync("Enter");
        await Assertions.Expect(logs).ToHaveCountAsync(1);
        await Assertions.Expect(logs.First).ToContainTextAsync("Dropped envelope from 5004: ttl <= 0");

        await page.GetByTestId("text-filter").FillAsync("");
        await page.GetByTestId("text-filter").PressAsync("Enter");
        await page.GetByTestId("level-filter").SelectOptionAsync("");
        await page.GetByTestId("resource-filter").SelectOptionAsync("node-1");
        await Assertions.Expect(logs).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Metrics_ShowAChartPerInstrumentForTheChosenResource()
    {
        await using var dashboard = await DashboardTestHost.StartAsync(output);
        using var telemetry = new GossipTelemetry(dashboard.OtlpGrpcUrl, nodes: 2);
        telemetry.RecordMetrics(1, messages: 12, delays: [2.5, 4, 8, 30]);
        telemetry.RecordMetrics(2, messages: 5, delays: [1, 2]);
        var page = await browser.NewPageAsync();

        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/metrics?resource=node-1");

        var cards = page.GetByTestId("metrics").Locator("section.card");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        var received = page.Locator("section[data-instrument='gossip.messages.received']");
        await Assertions.Expect(received.Locator("svg polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(received).ToContainTextAsync("12");
        var delay = page.Locator("section[data-instrument='gossip.propagation.delay']");
        await Assertions.Expect(delay).ToContainTextAsync("p99");
        await BrowserFixture.ScreenshotAsync(page, "metrics", output);

        await page.GetByTestId("resource-filter").SelectOptionAsync("node-2");
        await Assertions.Expect(received).ToContainTextAsync("5");
    }
}
