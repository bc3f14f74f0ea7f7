using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The dashboard's resource service client over real gRPC against a stand-in server (the AppHost's own tests of
/// the same pages come when it lands on main): watching, reconnecting, the API key, commands from the
/// resources page's buttons, console logs.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ResourceServiceClientTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Client_WatchesResources_AndReconnectsAfterTheServiceComesBack()
    {
        var service = await StandInResourceService.StartAsync();
        var port = service.Port;
        var state = service.Resources;
        await using var dashboard = await DashboardTestHost.StartAsync(output, ResourceSettings(service.Url));
        using var api = dashboard.CreateFrontendClient();

        await WaitForResourcesAsync(api, resources => resources.Count == 3 && resources.All(r => r.GetProperty("state").GetString() == "Running"));

        await service.DisposeAsync();
        state.Execute("node-2", "stop"); // a change while the dashboard cannot see it
        await using var restarted = await StandInResourceService.StartAsync(port, state);

        var after = await WaitForResourcesAsync(api, resources => resources.Any(r => r.GetProperty("name").GetString() == "node-2" && r.GetProperty("state").GetString() == "Exited"));
        Assert.Equal("ResourceService", after[0].GetProperty("source").GetString());
        Assert.Equal("http://localhost:5001", after.Single(r => r.GetProperty("name").GetString() == "node-1").GetProperty("urls")[0].GetString());
    }

    [Fact]
    public async Task Client_WithWrongApiKey_ShowsTheServiceAsDisconnected()
    {
        await using var service = await StandInResourceService.StartAsync();
        var settings = ResourceSettings(service.Url);
        settings["Dashboard:ResourceServiceClient:ApiKey"] = "wrong";
        await using var dashboard = await DashboardTestHost.StartAsync(output, settings);
        var client = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<GossipAspire.Dashboard.Resources.ResourceServiceClient>(dashboard.App.Services);

        await AsyncTestHelpers.WaitUntilAsync(() => client.LastError?.Contains("Unauthenticated") == true, TimeSpan.FromSeconds(20), "the wrong key was not reported");
        Assert.Empty(client.GetResources());
    }

    [Fact]
    public async Task ResourcesPage_RestartButton_RunsTheCommandAndShowsTheNewState()
    {
        await using var service = await StandInResourceService.StartAsync();
        await using var dashboard = await DashboardTestHost.StartAsync(output, ResourceSettings(service.Url));
        var page = await browser.NewPageAsync();

        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/");
        var rows = page.GetByTestId("resources").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        var node2 = page.Locator("tr[data-resource='node-2']");
        await Assertions.Expect(node2.GetByTestId("state")).ToHaveTextAsync("Running");

        await node2.Locator("[data-command='restart']").ClickAsync();

        await Assertions.Expect(page.GetByTestId("command-result")).ToContainTextAsync("restart node-2: done");
        await Assertions.Expect(node2.Locator("td").Nth(7)).ToHaveTextAsync("1");
        Assert.Contains("restart node-2", service.Resources.Commands);
        await BrowserFixture.ScreenshotAsync(page, "resources", output);

        await node2.Locator("[data-command='stop']").ClickAsync();
        await Assertions.Expect(node2.GetByTestId("state")).ToHaveTextAsync("Exited");
        await node2.Locator("[data-command='start']").ClickAsync();
        await Assertions.Expect(node2.GetByTestId("state")).ToHaveTextAsync("Running");

        await BrowserFixture.GotoAsync(page, dashboard.FrontendUrl + "/consolelogs/node-3");
        await Assertions.Expect(page.GetByTestId("console")).ToContainTextAsync("node-3 joined through its seed");
        await BrowserFixture.ScreenshotAsync(page, "console-logs", output);
    }

    private static Dictionary<string, string?> ResourceSettings(string url) => new()
    {
        ["Dashboard:ResourceServiceClient:Url"] = url,
        ["Dashboard:ResourceServiceClient:AuthMode"] = "ApiKey",
        ["Dashboard:ResourceServiceClient:ApiKey"] = StandInResourceService.ApiKey,
    };

    private static async Task<List<JsonElement>> WaitForResourcesAsync(HttpClient api, Func<List<JsonElement>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var resources = JsonDocument.Parse(await api.GetStringAsync("/api/telemetry/resources")).RootElement.EnumerateArray().ToList();
            if (condition(resources))
            {
                return resources;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("resources never matched: " + string.Join(", ", resources.Select(r => r.ToString())));
            }

            await Task.Delay(100);
        }
    }
}
