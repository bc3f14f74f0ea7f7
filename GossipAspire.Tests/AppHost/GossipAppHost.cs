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

        for (var attempt = 1; ; attempt++)
        {
            if (await TryRunAsync(output, args, dashboard, nodes, test, retryable: attempt == 1, cts.Token))
            {
                return;
            }

            output.WriteLine("Aspire's watch of DCP's resources died before the nodes were healthy (an Aspire 13.6 fault, "
                + "not the app's: 'Sequence contains more than one matching element' in ResourceSnapshotBuilder.GetUrls); "
                + "no resource state can arrive after that, so the AppHost is started once more.");
        }
    }

    /// <summary>
    /// One start of the AppHost. False (after stopping it) only when <paramref name="retryable"/> and Aspire's watch of
    /// DCP's resources died while waiting for the nodes to be healthy, before the test itself ran.
    /// </summary>
    private static async Task<bool> TryRunAsync(
        ITestOutputHelper output,
        string[] args,
        bool dashboard,
        int nodes,
        Func<DistributedApplication, GossipNodes, CancellationToken, Task> test,
        bool retryable,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = dashboard },
            args,
            cancellationToken);
        builder.Configuration["AppHost:BrowserToken"] = BrowserToken;
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;
        using var watchDied = new CancellationTokenSource();
        builder.Services.AddLoggingToTestOutput(output, onDcpWatchDied: watchDied.Cancel);

        await using var app = await builder.BuildAsync(cancellationToken);
        using var gossip = new GossipNodes(app, output, nodes);
        try
        {
            await app.StartAsync(cancellationToken);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchDied.Token);
            try
            {
                await gossip.WaitAllHealthyAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (retryable && watchDied.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            output.WriteLine($"AppHost started and {nodes} nodes healthy after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
            await test(app, gossip, cancellationToken);
            return true;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await app.StopAsync(stopping.Token);
        }
    }
}
