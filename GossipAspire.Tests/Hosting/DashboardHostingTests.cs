using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Aspire.Hosting.Testing.ResourceService;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>
/// The hosting side of the dashboard: launched like Aspire's (hidden, first up, last down, with its keys and
/// the resource service's address), the nodes pointed at its OTLP endpoint, and the resource service called
/// with a real gRPC client. The dashboard process here is a stand-in script that records its environment and
/// waits, so these tests need no dashboard build; the dashboard's own tests cover the real one.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DashboardHostingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _standIn = WriteStandInDashboard();

    [Fact]
    public async Task Dashboard_Configured_LaunchedHiddenWithKeysAndNodesExportToIt()
    {
        using var cts = TimeoutToken();
        var logged = new CapturingLoggerProvider();
        await using var app = await StartAsync(logged, cts.Token);
        try
        {
            var dashboard = await app.ResourceNotifications.WaitForResourceAsync(
                "aspire-dashboard", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cts.Token);
            Assert.True(dashboard.Snapshot.IsHidden);
            var node = await app.ResourceNotifications.WaitForResourceHealthyAsync("node-2", cts.Token);

            var dashboardEnvironment = ReadEnvironment(dashboard.Snapshot.Pid!.Value);
            var frontend = app.GetEndpoint("aspire-dashboard", "http").ToString().TrimEnd('/');
            var otlp = app.GetEndpoint("aspire-dashboard", "otlp-grpc").ToString().TrimEnd('/');
            Assert.Equal(frontend, dashboardEnvironment["ASPNETCORE_URLS"]);
            Assert.Equal(otlp, dashboardEnvironment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"]);
            Assert.Equal(app.GetEndpoint("aspire-dashboard", "otlp-http").ToString().TrimEnd('/'), dashboardEnvironment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"]);
            Assert.Equal("BrowserToken", dashboardEnvironment["Dashboard__Frontend__AuthMode"]);
            Assert.Equal("ApiKey", dashboardEnvironment["Dashboard__Otlp__AuthMode"]);
            Assert.Equal("ApiKey", dashboardEnvironment["Dashboard__ResourceServiceClient__AuthMode"]);
            Assert.Equal("GossipAspire", dashboardEnvironment["Dashboard__ApplicationName"]);
            var token = dashboardEnvironment["Dashboard__Frontend__BrowserToken"];
            var otlpKey = dashboardEnvironment["Dashboard__Otlp__PrimaryApiKey"];
            Assert.Matches("^[0-9a-f]{32}$", token);
            Assert.Matches("^[0-9a-f]{32}$", otlpKey);
            Assert.NotEqual(token, otlpKey);
            Assert.StartsWith("http://localhost:", dashboardEnvironment["DOTNET_RESOURCE_SERVICE_ENDPOINT_URL"]);
            Assert.Contains(logged.Messages, m => m.Message == $"Login to the dashboard at {frontend}/login?t={token}");

            var nodeEnvironment = ReadEnvironment(node.Snapshot.Pid!.Value);
            Assert.Equal(otlp, nodeEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal("grpc", nodeEnvironment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
            Assert.Equal($"x-otlp-api-key={otlpKey}", nodeEnvironment["OTEL_EXPORTER_OTLP_HEADERS"]);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }

        // First up, last down: the dashboard stopped after every node.
        Assert.True(app.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var stoppedDashboard));
        foreach (var name in (string[])["node-1", "node-2"])
        {
            Assert.True(app.ResourceNotifications.TryGetCurrentState(name, out var stoppedNode));
            Assert.True(stoppedNode.Snapshot.StopTimeStamp <= stoppedDashboard.Snapshot.StopTimeStamp);
        }
    }

    [Fact]
    public async Task ResourceService_RealGrpcClient_SnapshotChangesLogsAndCommands()
    {
        using var cts = TimeoutToken();
        await using var app = await StartAsync(new CapturingLoggerProvider(), cts.Token, ("AppHost:BrowserToken", "a-token-the-test-chose"));
        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync("node-1", cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("node-2", cts.Token);
            var dashboard = await app.ResourceNotifications.WaitForResourceAsync(
                "aspire-dashboard", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cts.Token);
            var environment = ReadEnvironment(dashboard.Snapshot.Pid!.Value);
            Assert.Equal("a-token-the-test-chose", environment["Dashboard__Frontend__BrowserToken"]);
            using var channel = GrpcChannel.ForAddress(environment["DOTNET_RESOURCE_SERVICE_ENDPOINT_URL"]);
            var client = new DashboardService.DashboardServiceClient(channel);
            var headers = new Metadata { { "x-resource-service-api-key", environment["Dashboard__ResourceServiceClient__ApiKey"] } };

            var info = await client.GetApplicationInformationAsync(new ApplicationInformationRequest(), headers, cancellationToken: cts.Token);
            Assert.Equal("GossipAspire", info.ApplicationName);

            // The watch starts with every visible resource, the dashboard itself left out.
            using var watch = client.WatchResources(new WatchResourcesRequest(), headers, cancellationToken: cts.Token);
            Assert.True(await watch.ResponseStream.MoveNext(cts.Token));
            var initial = watch.ResponseStream.Current;
            Assert.Equal(WatchResourcesUpdate.KindOneofCase.InitialData, initial.KindCase);
            Assert.Equal(["node-1", "node-2"], initial.InitialData.Resources.Select(r => r.Name).Order());
            var node2 = initial.InitialData.Resources.Single(r => r.Name == "node-2");
            Assert.Equal("Project", node2.ResourceType);
            Assert.Equal("Running", node2.State);
            Assert.Equal("Healthy", node2.HealthStatus);
            Assert.Equal(app.GetEndpoint("node-2").ToString().TrimEnd('/'), Assert.Single(node2.Urls).FullUrl);
            Assert.True(node2.HasPid);
            Assert.StartsWith("node-2-", node2.Uid);
            Assert.Equal(["restart", "start", "stop"], node2.Commands.Select(c => c.Name).Order());
            Assert.False(node2.Commands.Single(c => c.Name == "start").Enabled);
            Assert.True(node2.Commands.Single(c => c.Name == "restart").Enabled);

            // A command through the service, and its effect on the watch.
            var restart = await client.ExecuteResourceCommandAsync(new ResourceCommandRequest { ResourceName = "node-2", CommandName = "restart" }, headers, cancellationToken: cts.Token);
            Assert.Equal(ResourceCommandResponseKind.Succeeded, restart.Kind);
            var states = new List<string>();
            while (await watch.ResponseStream.MoveNext(cts.Token))
            {
                foreach (var change in watch.ResponseStream.Current.Changes.Value.Where(c => c.Upsert?.Name == "node-2"))
                {
                    states.Add(change.Upsert.State);
                    if (change.Upsert is { State: "Running", RestartCount: 1, HealthStatus: "Healthy" })
                    {
                        goto restarted;
                    }
                }
            }

        restarted:
            Assert.Equal(["Stopping", "Starting", "Running"], states.Distinct());
            Assert.DoesNotContain(states, s => s is "Exited" or "Finished" or "FailedToStart");

            // Console logs: what the AppHost holds, then what comes.
            using var logs = client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = "node-1" }, headers, cancellationToken: cts.Token);
            Assert.True(await logs.ResponseStream.MoveNext(cts.Token));
            var buffered = logs.ResponseStream.Current.LogLines;
            Assert.NotEmpty(buffered);
            Assert.Equal(Enumerable.Range(1, buffered.Count), buffered.Select(l => l.LineNumber));
            Assert.Equal(
                app.Services.GetRequiredService<ResourceLoggerService>().GetBufferedLines("node-1").Take(buffered.Count).Select(l => l.Content),
                buffered.Select(l => l.Text));

            var unknownLogs = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = "node-9" }, headers, cancellationToken: cts.Token);
                await call.ResponseStream.MoveNext(cts.Token);
            });
            Assert.Equal(StatusCode.NotFound, unknownLogs.StatusCode);
            var hiddenLogs = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = "aspire-dashboard" }, headers, cancellationToken: cts.Token);
                await call.ResponseStream.MoveNext(cts.Token);
            });
            Assert.Equal(StatusCode.NotFound, hiddenLogs.StatusCode);

            var unknownResource = await client.ExecuteResourceCommandAsync(new ResourceCommandRequest { ResourceName = "node-9", CommandName = "stop" }, headers, cancellationToken: cts.Token);
            Assert.Equal(ResourceCommandResponseKind.Failed, unknownResource.Kind);
            Assert.Contains("node-9", unknownResource.ErrorMessage);
            var unknownCommand = await client.ExecuteResourceCommandAsync(new ResourceCommandRequest { ResourceName = "node-1", CommandName = "explode" }, headers, cancellationToken: cts.Token);
            Assert.Equal(ResourceCommandResponseKind.Failed, unknownCommand.Kind);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node-1", out var untouched));
            Assert.Equal(KnownResourceStates.Running, untouched.Snapshot.State?.Text);

            // Without the right key nothing is answered, not even the resource list.
            foreach (var bad in (Metadata[])[[], new Metadata { { "x-resource-service-api-key", "wrong" } }])
            {
                var unary = await Assert.ThrowsAsync<RpcException>(() => client.GetApplicationInformationAsync(new ApplicationInformationRequest(), bad, cancellationToken: cts.Token).ResponseAsync);
                Assert.Equal(StatusCode.Unauthenticated, unary.StatusCode);
                var streaming = await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    using var call = client.WatchResources(new WatchResourcesRequest(), bad, cancellationToken: cts.Token);
                    await call.ResponseStream.MoveNext(cts.Token);
                });
                Assert.Equal(StatusCode.Unauthenticated, streaming.StatusCode);
                var command = await Assert.ThrowsAsync<RpcException>(() => client.ExecuteResourceCommandAsync(new ResourceCommandRequest { ResourceName = "node-1", CommandName = "stop" }, bad, cancellationToken: cts.Token).ResponseAsync);
                Assert.Equal(StatusCode.Unauthenticated, command.StatusCode);
            }

            Assert.True(app.ResourceNotifications.TryGetCurrentState("node-1", out var stillRunning));
            Assert.Equal(KnownResourceStates.Running, stillRunning.Snapshot.State?.Text);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Dashboard_DisabledByDefaultInTests_NoDashboardNoTelemetryEndpoint()
    {
        using var cts = TimeoutToken();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(
            ["--nodes", "1"],
            (_, settings) => settings.Configuration!.AddInMemoryCollection([new("ASPIRE_DASHBOARD_PATH", _standIn)]),
            cts.Token);
        builder.Services.AddLoggingToTestOutput(output);
        await using var app = await builder.BuildAsync(cts.Token);

        Assert.DoesNotContain(builder.Resources, r => r.Name == "aspire-dashboard");
        Assert.Throws<ArgumentException>(() => app.GetEndpoint("aspire-dashboard"));
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_standIn)!, recursive: true);

    private async Task<DistributedApplication> StartAsync(CapturingLoggerProvider logged, CancellationToken cancellationToken, params (string Key, string Value)[] configuration)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(
            ["--nodes", "2"],
            (options, settings) =>
            {
                options.DisableDashboard = false;
                settings.Configuration!.AddInMemoryCollection([new("ASPIRE_DASHBOARD_PATH", _standIn), .. configuration.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value))]);
            },
            cancellationToken);
        builder.Services.AddLoggingToTestOutput(output);
        builder.Services.AddLogging(l => l.AddProvider(logged));
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static string WriteStandInDashboard()
    {
        var directory = Directory.CreateTempSubdirectory("standin-dashboard-");
        var script = Path.Combine(directory.FullName, "dashboard.sh");
        File.WriteAllText(script, "#!/bin/sh\necho \"stand-in dashboard for $Dashboard__ApplicationName on $ASPNETCORE_URLS\"\nexec sleep 300\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }
}
