using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using GossipAspire.Tests.Node;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The real AppHost (<c>Projects.GossipAspire_AppHost</c>) run in the test process by Aspire.Hosting.Testing, as its
/// documentation shows: create the testing builder, build, start, wait for the resources to be healthy, act, and
/// stop in any case. Each run gets its own node ports (a free range the test reserves, passed as
/// <c>--base-port</c>, because node endpoints are not proxied and keep the port they are given), so parallel runs
/// and a developer's running AppHost never collide. Nodes pick only when a test tells them to.
/// </summary>
internal static class GossipAppHost
{
    public const int NodeCount = 10;

    /// <summary>
    /// Known credentials for the dashboard, set as the AppHost's configuration before it builds: the browser token
    /// a developer would copy from the login link, and the key of the dashboard's telemetry HTTP API.
    /// </summary>
    public const string BrowserToken = "gossipaspire-browser-test-token";
    public const string DashboardApiKey = "gossipaspire-dashboard-api-test-key";

    /// <summary>
    /// Runs <paramref name="test"/> against a started AppHost whose nodes are all healthy (and whose dashboard is,
    /// when <paramref name="dashboard"/> is true), then stops the application whatever happened.
    /// </summary>
    public static async Task RunAsync(
        ITestOutputHelper output,
        TimeSpan timeout,
        Func<DistributedApplication, GossipNodes, CancellationToken, Task> test,
        bool dashboard = false,
        int nodes = NodeCount,
        IEnumerable<string>? extraArgs = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        var basePort = NodeProcess.FreePortRange(nodes);
        string[] args =
        [
            "--nodes", nodes.ToString(CultureInfo.InvariantCulture),
            "--base-port", basePort.ToString(CultureInfo.InvariantCulture),
            "--pick-interval", "01:00:00",
            .. extraArgs ?? [],
        ];
        output.WriteLine($"AppHost args: {string.Join(' ', args)}; dashboard {(dashboard ? "on" : "off")}");

        var started = Stopwatch.GetTimestamp();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard },
            args,
            cts.Token);
        builder.Configuration["AppHost:BrowserToken"] = BrowserToken;
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;
        builder.Services.AddLoggingToTestOutput(output);

        await using var app = await builder.BuildAsync(cts.Token);
        using var gossip = new GossipNodes(app, output, nodes);
        try
        {
            await app.StartAsync(cts.Token);
            await gossip.WaitAllHealthyAsync(cts.Token);
            output.WriteLine($"AppHost started and {nodes} nodes healthy after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
            await test(app, gossip, cts.Token);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.StopAsync(stopping.Token);
        }
    }
}
