using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>Stopping reaches a resource's whole process tree, and a process that ignores SIGTERM is killed.</summary>
public sealed class ProcessContainmentTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StopAsync_ResourceWithChildProcess_StopsTheWholeTree()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);

        // A shell that starts a grandchild and prints its pid, the way a tool might spawn helpers.
        builder.AddExecutable("tree", "sh", ".", "-c", "sleep 300 & echo $!; wait");
        await using var app = await builder.BuildAsync(cts.Token);
        int shellPid;
        int grandchildPid;
        try
        {
            await app.StartAsync(cts.Token);
            var running = await app.ResourceNotifications.WaitForResourceHealthyAsync("tree", cts.Token);
            shellPid = running.Snapshot.Pid!.Value;

            var lines = await ResourceStateTests.WaitForLinesAsync(app, "tree", 1, cts.Token);
            grandchildPid = ParseInt(lines[0].Content);
            Assert.False(ProcessIsGone(grandchildPid));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }

        await WaitUntilGoneAsync(shellPid, cts.Token);
        await WaitUntilGoneAsync(grandchildPid, cts.Token);
    }

    [Fact]
    public async Task Stop_ProcessIgnoresSigterm_IsKilledAfterTheGracePeriod()
    {
        using var cts = TimeoutToken();
        var builder = CreateBuilder(output);
        builder.Configuration["AppHost:GracefulStopTimeout"] = "00:00:01";
        builder.AddExecutable("stubborn", "sh", ".", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done");
        await using var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            await ResourceStateTests.WaitForLinesAsync(app, "stubborn", 1, cts.Token);

            var stop = await app.ResourceCommands.ExecuteCommandAsync("stubborn", KnownResourceCommands.StopCommand, cts.Token);

            Assert.True(stop.Success, stop.ErrorMessage);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("stubborn", out var stopped));
            Assert.Equal(KnownResourceStates.Exited, stopped.Snapshot.State?.Text);
            Assert.Equal(137, stopped.Snapshot.ExitCode);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
