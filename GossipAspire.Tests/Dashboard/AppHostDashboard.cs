using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using GossipAspire.Tests.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// The AppHost with its real dashboard (the built GossipAspire.Dashboard the AppHost references), run through
/// the testing builder: every endpoint on a free port, resource output in the test output, a browser token the
/// test knows, and nodes that pick only when told. The test builds, starts and stops the application itself.
/// </summary>
internal static class AppHostDashboard
{
    public const string BrowserToken = "apphost-dashboard-browser-test";
    public const string DashboardResource = "aspire-dashboard";
    public const int NodeCount = 10;

    /// <summary>For waits on the live cluster; Playwright's own default (5 s) is too short on two shared cores.</summary>
    public const float ExpectTimeoutMilliseconds = 30_000;

    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(
            ["--nodes", "10", "--pick-interval", "01:00:00"],
            (options, settings) =>
            {
                options.DisableDashboard = false;
                settings.Configuration!.AddInMemoryCollection([new("AppHost:BrowserToken", BrowserToken)]);
            },
            cancellationToken);
        builder.Services.AddLoggingToTestOutput(output);
        return builder;
    }

    /// <summary>Waits for the dashboard and every node to be healthy.</summary>
    public static async Task WaitHealthyAsync(DistributedApplication app, GossipNodes nodes, CancellationToken cancellationToken)
    {
        await app.ResourceNotifications.WaitForResourceHealthyAsync(DashboardResource, cancellationToken);
        await nodes.WaitAllHealthyAsync(cancellationToken);
    }

    /// <summary>The dashboard's frontend, without a trailing slash.</summary>
    public static string FrontendUrl(DistributedApplication app) => app.GetEndpoint(DashboardResource, "http").ToString().TrimEnd('/');

    /// <summary>Logs in as a developer does, with the link the AppHost prints, and waits for the Resources page to be live.</summary>
    public static async Task<IPage> LogInAsync(BrowserFixture browser, DistributedApplication app)
    {
        var page = await browser.NewPageAsync();
        // The first page of a dashboard that has just started, with ten nodes starting beside it on two cores, can be slow.
        await page.GotoAsync($"{FrontendUrl(app)}/login?t={BrowserToken}", new() { Timeout = ExpectTimeoutMilliseconds * 3 });
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync(new() { Timeout = ExpectTimeoutMilliseconds });
        await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = ExpectTimeoutMilliseconds });
        return page;
    }

    /// <summary>The dashboard's JSON API, authorized with the browser token.</summary>
    public static HttpClient CreateApiClient(DistributedApplication app)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(FrontendUrl(app)),
            Timeout = TimeSpan.FromSeconds(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BrowserToken);
        return client;
    }
}
