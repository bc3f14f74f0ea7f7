using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>Real node processes launched from their built output, with Aspire's environment, commands and health.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ProjectResourceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AddProject_Node_GetsAspireEnvironmentAndAnswersHealth()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        var seed = builder.AddProject<Projects.GossipAspire_Node>("seed").WithHttpEndpoint().WithHttpHealthCheck("/health");
        builder.AddProject<Projects.GossipAspire_Node>("joiner")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithReference(seed)
            .WithEnvironment("Gossip__Seed", seed.GetEndpoint("http"))
            .WithArgs("--extra", 42);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            var joiner = await app.ResourceNotifications.WaitForResourceHealthyAsync("joiner", cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("seed", cts.Token);

            using var client = app.CreateHttpClient("joiner");
            Assert.Equal("Healthy", await client.GetStringAsync("/health", cts.Token));

            var joinerUrl = app.GetEndpoint("joiner").ToString().TrimEnd('/');
            var seedUrl = app.GetEndpoint("seed", "http").ToString().TrimEnd('/');
            var environment = ReadEnvironment(joiner.Snapshot.Pid!.Value);
            Assert.Equal(joinerUrl, environment["ASPNETCORE_URLS"]);
            Assert.Equal(seedUrl, environment["Gossip__Seed"]);
            Assert.Equal(seedUrl, environment["services__seed__http__0"]);
            Assert.Equal("joiner", environment["OTEL_SERVICE_NAME"]);
            Assert.StartsWith("service.instance.id=joiner-", environment["OTEL_RESOURCE_ATTRIBUTES"]);
            Assert.Equal("1000", environment["OTEL_BSP_SCHEDULE_DELAY"]);
            Assert.Equal("1000", environment["OTEL_BLRP_SCHEDULE_DELAY"]);
            Assert.Equal("1000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
            Assert.Equal("in_memory", environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
            Assert.False(environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"), "no dashboard, no collector: nothing to export to");

            // The built output runs under dotnet; nothing is built or `dotnet run` at launch.
            var commandLine = File.ReadAllText($"/proc/{joiner.Snapshot.Pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new Projects.GossipAspire_Node().TargetPath, commandLine[1]);
            Assert.Equal(["--extra", "42"], commandLine[2..]);
            Assert.Contains(joiner.Snapshot.EnvironmentVariables, e => e.Name == "ASPNETCORE_URLS" && e.Value == joinerUrl);
            Assert.Equal(joinerUrl, Assert.Single(joiner.Snapshot.Urls).Url);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AddProject_ByProjectFileOrAssemblyPath_RunsTheBuiltOutput()
    {
        using var cts = TimeoutToken();
        var node = new Projects.GossipAspire_Node();
        var builder = CreateBuilder(output);

        // A project file is asked (once, through MSBuild) where it builds to; an assembly runs as it is.
        builder.AddProject("by-project", node.ProjectPath).WithHttpEndpoint().WithHttpHealthCheck("/health");
        builder.AddProject("by-assembly", node.TargetPath!).WithHttpEndpoint().WithHttpHealthCheck("/health");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            foreach (var name in (string[])["by-project", "by-assembly"])
            {
                var healthy = await app.ResourceNotifications.WaitForResourceHealthyAsync(name, cts.Token);
                var commandLine = File.ReadAllText($"/proc/{healthy.Snapshot.Pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(node.TargetPath, commandLine[1]);
            }
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AddProject_ProjectFileMissing_FailsToStartSayingWhy()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddProject("nowhere", "does/not/exist.csproj");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("nowhere", cts.Token));
            var lines = await ResourceStateTests.WaitForLinesAsync(app, "nowhere", 1, cts.Token);
            Assert.Contains("exist.csproj' does not exist", lines[0].Content);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Commands_StopStartRestart_ChangeStateAndProcess()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddProject<Projects.GossipAspire_Node>("node").WithHttpEndpoint().WithHttpHealthCheck("/health");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            var first = await app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token);
            var firstPid = first.Snapshot.Pid!.Value;
            Assert.Equal(0, first.Snapshot.RestartCount);
            Assert.Contains(first.Snapshot.Commands, c => c.Name == KnownResourceCommands.StartCommand && c.State == ResourceCommandState.Disabled);
            Assert.Contains(first.Snapshot.Commands, c => c.Name == KnownResourceCommands.StopCommand && c.State == ResourceCommandState.Enabled);

            var stop = await app.ResourceCommands.ExecuteCommandAsync("node", KnownResourceCommands.StopCommand, cts.Token);
            Assert.True(stop.Success, stop.ErrorMessage);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node", out var stopped));
            Assert.Equal(KnownResourceStates.Exited, stopped.Snapshot.State?.Text);
            Assert.Equal(0, stopped.Snapshot.ExitCode);
            Assert.Null(stopped.Snapshot.Pid);
            Assert.True(ProcessIsGone(firstPid));

            var stopAgain = await app.ResourceCommands.ExecuteCommandAsync("node", KnownResourceCommands.StopCommand, cts.Token);
            Assert.False(stopAgain.Success);
            Assert.Contains("Exited", stopAgain.ErrorMessage);

            var start = await app.ResourceCommands.ExecuteCommandAsync("node", KnownResourceCommands.StartCommand, cts.Token);
            Assert.True(start.Success, start.ErrorMessage);
            var second = await app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token);
            Assert.Equal(1, second.Snapshot.RestartCount);
            Assert.NotEqual(firstPid, second.Snapshot.Pid);

            var restart = await app.ResourceCommands.ExecuteCommandAsync("node", "resource-restart", cts.Token);
            Assert.True(restart.Success, restart.ErrorMessage);
            var third = await app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token);
            Assert.Equal(2, third.Snapshot.RestartCount);
            Assert.True(ProcessIsGone(second.Snapshot.Pid!.Value));
            using var client = app.CreateHttpClient("node");
            Assert.Equal("Healthy", await client.GetStringAsync("/health", cts.Token));

            var unknown = await app.ResourceCommands.ExecuteCommandAsync("node", "explode", cts.Token);
            Assert.False(unknown.Success);
            Assert.Contains("start, stop, restart", unknown.ErrorMessage);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Node_KilledFromOutside_ShowsExitedAndStartsAgain()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.AddProject<Projects.GossipAspire_Node>("node").WithHttpEndpoint().WithHttpHealthCheck("/health");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            var running = await app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token);

            Process.GetProcessById(running.Snapshot.Pid!.Value).Kill();
            var state = await app.ResourceNotifications.WaitForResourceAsync("node", KnownResourceStates.Exited, cts.Token);

            Assert.Equal(KnownResourceStates.Exited, state);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node", out var crashed));
            Assert.Equal(137, crashed.Snapshot.ExitCode);
            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token));

            var start = await app.ResourceCommands.ExecuteCommandAsync("node", KnownResourceCommands.StartCommand, cts.Token);
            Assert.True(start.Success, start.ErrorMessage);
            var back = await app.ResourceNotifications.WaitForResourceHealthyAsync("node", cts.Token);
            Assert.Equal(1, back.Snapshot.RestartCount);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task StartAsync_PortTaken_FailsNamingResourceAndPortAndLaunchesNothing()
    {
        using var cts = TimeoutToken();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;

        // Fixed ports, as the AppHost run from the command line has them (tests randomize by default).
        var builder = DistributedApplicationTestingBuilder.Create([], (_, settings) =>
            settings.Configuration!.AddInMemoryCollection([new("DcpPublisher:RandomizePorts", "false")]));
        builder.Services.AddLoggingToTestOutput(output);
        builder.AddProject<Projects.GossipAspire_Node>("free").WithHttpEndpoint();
        builder.AddProject<Projects.GossipAspire_Node>("blocked").WithHttpEndpoint(port: takenPort);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            var failure = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(cts.Token));

            Assert.Contains("'blocked'", failure.Message);
            Assert.Contains(takenPort.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message);
            Assert.DoesNotContain("'free'", failure.Message);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("blocked", out var blocked));
            Assert.Equal(KnownResourceStates.FailedToStart, blocked.Snapshot.State?.Text);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("free", out var free));
            Assert.Equal(KnownResourceStates.NotStarted, free.Snapshot.State?.Text);
            Assert.Null(free.Snapshot.Pid);
            await Assert.ThrowsAsync<DistributedApplicationException>(() => app.ResourceNotifications.WaitForResourceAsync("blocked", KnownResourceStates.Running, cts.Token));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
