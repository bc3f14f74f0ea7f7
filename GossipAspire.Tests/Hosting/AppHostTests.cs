using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>
/// The real AppHost <c>Program</c>, run in this process by <see cref="DistributedApplicationTestingBuilder"/>,
/// the way Aspire.Hosting.Testing runs one: free ports, resource logs in the test output, no dashboard.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AppHostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CreateAsync_AppHost_StartsTenNodesChainedOnFreePorts()
    {
        using var cts = TimeoutToken();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(cts.Token);
        builder.Services.AddLoggingToTestOutput(output);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            var nodes = Enumerable.Range(1, 10).Select(k => $"node-{k}").ToArray();
            var healthy = await Task.WhenAll(nodes.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cts.Token)));

            var ports = nodes.Select(n => app.GetEndpoint(n).Port).ToArray();
            Assert.Equal(10, ports.Distinct().Count());
            Assert.DoesNotContain(ports, p => p is >= 5001 and <= 5010);

            // Each node k is seeded with node k-1, through the environment the node really has.
            for (var k = 2; k <= 10; k++)
            {
                var environment = ReadEnvironment(healthy[k - 1].Snapshot.Pid!.Value);
                Assert.Equal(app.GetEndpoint($"node-{k - 1}").ToString().TrimEnd('/'), environment["Gossip__Seed"]);
                Assert.Equal($"node-{k}", environment["OTEL_SERVICE_NAME"]);
            }

            Assert.False(ReadEnvironment(healthy[0].Snapshot.Pid!.Value).ContainsKey("Gossip__Seed"));
            using var client = app.CreateHttpClient("node-3");
            Assert.Equal("Healthy", await client.GetStringAsync("/alive", cts.Token));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task CreateAsync_WithArgsAndLogger_RunsThatClusterAndRoutesResourceLogs()
    {
        using var cts = TimeoutToken();
        var captured = new CapturingLoggerProvider();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--nodes", "2"], cts.Token);
        builder.Services.AddLoggingToTestOutput(output);
        builder.Services.AddLogging(l => l.AddProvider(captured));
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            Assert.Equal(["node-1", "node-2"], builder.Resources.Select(r => r.Name));
            await app.StartAsync(cts.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("node-2", cts.Token);

            // What node-1 wrote to its console arrives in the test's logger under the resource's category.
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            var firstLine = (await ResourceStateTests.WaitForLinesAsync(app, "node-1", 1, cts.Token))[0];
            // The line is stored (and handed to watchers) before it is forwarded to ILogger, so give the logger a moment.
            while (!captured.Messages.Any(m => m.Category == "GossipAspire.AppHost.Resources.node-1" && m.Message == firstLine.Content))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cts.Token);
            }
            Assert.NotEmpty(logs.GetBufferedLines("node-1"));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task UnknownResource_FailsAtOnce()
    {
        using var cts = TimeoutToken();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--nodes", "2"], cts.Token);
        builder.Services.AddLoggingToTestOutput(output);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);

            var wait = await Assert.ThrowsAsync<ArgumentException>(() => app.ResourceNotifications.WaitForResourceAsync("node-11", KnownResourceStates.Running, cts.Token));
            Assert.Contains("node-11", wait.Message);
            Assert.Contains("node-1, node-2", wait.Message);
            await Assert.ThrowsAsync<ArgumentException>(() => app.ResourceNotifications.WaitForResourceHealthyAsync("node-11", cts.Token));
            Assert.Throws<ArgumentException>(() => app.GetEndpoint("node-11"));
            Assert.Throws<ArgumentException>(() => app.CreateHttpClient("node-11"));
            Assert.Throws<ArgumentException>(() => app.GetEndpoint("node-1", "grpc"));
            var command = await app.ResourceCommands.ExecuteCommandAsync("node-11", KnownResourceCommands.StopCommand, cts.Token);
            Assert.False(command.Success);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task CreateAsync_PickInterval_ReachesEveryNodeAsGossipPickInterval()
    {
        using var cts = TimeoutToken();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--nodes", "2", "--pick-interval", "01:30:00"], cts.Token);
        builder.Services.AddLoggingToTestOutput(output);
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            foreach (var name in (string[])["node-1", "node-2"])
            {
                var node = await app.ResourceNotifications.WaitForResourceAsync(name, e => e.Snapshot.Pid is not null, cts.Token);
                // Right after the fork, /proc shows the parent's environment until the exec replaces it.
                IReadOnlyDictionary<string, string> environment;
                while (!(environment = ReadEnvironment(node.Snapshot.Pid!.Value)).ContainsKey("Gossip__PickInterval") && !environment.ContainsKey("OTEL_SERVICE_NAME"))
                {
                    await Task.Delay(20, cts.Token);
                }

                Assert.Equal("01:30:00", environment["Gossip__PickInterval"]);
            }
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("soon", "--pick-interval must be a time span such as 00:00:10 (got 'soon').")]
    [InlineData("00:00:00", "--pick-interval must be longer than zero (got 00:00:00).")]
    public async Task CreateAsync_BadPickInterval_FailsWithTheAppHostsOwnMessage(string value, string message)
    {
        using var cts = TimeoutToken();

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--pick-interval", value], cts.Token));

        Assert.Contains(message, failure.Failures);
    }

    [Fact]
    public async Task CreateAsync_BadArgs_FailsWithTheAppHostsOwnMessage()
    {
        using var cts = TimeoutToken();

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => DistributedApplicationTestingBuilder.CreateAsync<Projects.GossipAspire_AppHost>(["--nodes", "-1"], cts.Token));

        Assert.Contains("--nodes must be between 1 and 200 (got -1).", failure.Failures);
    }
}
