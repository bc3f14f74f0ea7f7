using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;
using static GossipAspire.Tests.Hosting.HostingTestHelpers;

namespace GossipAspire.Tests.Hosting;

/// <summary>
/// The AppHost as a developer runs it, a process of its own: it stops its nodes on Ctrl+C and SIGTERM, leaves
/// none behind when it is SIGKILLed, refuses a taken port or bad options with a clear message, and restarts a
/// crashed node on command. Ports are randomized (<c>--DcpPublisher:RandomizePorts true</c>) unless the test
/// is about a port.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class AppHostProcessTests(ITestOutputHelper output)
{
    private static readonly string[] s_randomPorts = ["--DcpPublisher:RandomizePorts", "true"];

    [Fact]
    public async Task AppHost_Sigkilled_LeavesNoNodeBehind()
    {
        using var cts = TimeoutToken();
        await using var appHost = AppHostProcess.Start(output, [.. s_randomPorts, "--nodes", "3"]);

        await appHost.WaitForLineAsync(l => l.Contains("All 3 resources are healthy", StringComparison.Ordinal), cts.Token);
        var nodePids = appHost.NodePids;
        Assert.Equal(3, nodePids.Count);
        Assert.All(nodePids, pid => Assert.False(ProcessIsGone(pid)));

        appHost.Signal(AppHostProcess.SigKill);
        await appHost.WaitForExitAsync(cts.Token);

        // The kernel delivers the parent-death signal at once; allow for a busy machine all the same.
        foreach (var pid in nodePids)
        {
            await WaitUntilGoneAsync(pid, cts.Token);
        }
    }

    [Theory]
    [InlineData(AppHostProcess.SigInt)]
    [InlineData(AppHostProcess.SigTerm)]
    public async Task AppHost_CtrlCOrSigterm_StopsEveryNodeGracefullyAndExitsZero(int signal)
    {
        using var cts = TimeoutToken();
        await using var appHost = AppHostProcess.Start(output, [.. s_randomPorts, "--nodes", "2"]);
        await appHost.WaitForLineAsync(l => l.Contains("All 2 resources are healthy", StringComparison.Ordinal), cts.Token);
        var nodePids = appHost.NodePids;

        appHost.Signal(signal);
        var exitCode = await appHost.WaitForExitAsync(cts.Token);

        Assert.Equal(0, exitCode);
        foreach (var name in (string[])["node-1", "node-2"])
        {
            // Exit code 0: each node shut down on its SIGTERM, it was not killed.
            var last = await appHost.WaitForResourceAsync(name, l => l.State == "Exited", cts.Token);
            Assert.Equal(0, last.ExitCode);
        }

        Assert.All(nodePids, pid => Assert.True(ProcessIsGone(pid)));
    }

    [Fact]
    public async Task DotnetRun_Sigterm_StopsEveryNodeGracefully()
    {
        using var cts = TimeoutToken();
        await using var run = AppHostProcess.StartWithDotnetRun(output, [.. s_randomPorts, "--nodes", "2"]);
        await run.WaitForLineAsync(l => l.Contains("All 2 resources are healthy", StringComparison.Ordinal), cts.Token);
        var nodePids = run.NodePids;

        run.Signal(AppHostProcess.SigTerm);

        Assert.Equal(0, await run.WaitForExitAsync(cts.Token));
        foreach (var name in (string[])["node-1", "node-2"])
        {
            var last = await run.WaitForResourceAsync(name, l => l.State == "Exited", cts.Token);
            Assert.Equal(0, last.ExitCode);
        }

        Assert.All(nodePids, pid => Assert.True(ProcessIsGone(pid)));
    }

    [Fact]
    public async Task DotnetRun_Sigkilled_AppHostNoticesAndStopsEverything()
    {
        using var cts = TimeoutToken();
        await using var run = AppHostProcess.StartWithDotnetRun(output, [.. s_randomPorts, "--nodes", "2"]);
        await run.WaitForLineAsync(l => l.Contains("All 2 resources are healthy", StringComparison.Ordinal), cts.Token);
        var appHost = run.FindAppHostChild();
        Assert.NotNull(appHost);
        var nodePids = run.NodePids;

        run.Signal(AppHostProcess.SigKill);
        await run.WaitForExitAsync(cts.Token);

        // The orphaned AppHost sees its parent gone, stops its nodes gracefully and exits.
        await WaitUntilGoneAsync(appHost.Value, cts.Token);
        foreach (var pid in nodePids)
        {
            await WaitUntilGoneAsync(pid, cts.Token);
        }

        foreach (var name in (string[])["node-1", "node-2"])
        {
            var last = await run.WaitForResourceAsync(name, l => l.State == "Exited", cts.Token);
            Assert.Equal(0, last.ExitCode);
        }
    }

    [Fact]
    public async Task AppHost_PortTaken_ExitsWithErrorNamingResourceAndPort()
    {
        using var cts = TimeoutToken();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var appHost = AppHostProcess.Start(output, "--nodes", "3", "--base-port", (taken - 1).ToString(CultureInfo.InvariantCulture));
        var exitCode = await appHost.WaitForExitAsync(cts.Token);

        Assert.Equal(1, exitCode);
        var error = string.Join('\n', appHost.StandardError);
        Assert.Contains($"error: Resource 'node-2' cannot listen on port {taken} (endpoint 'http'): the port is already in use", error);
        Assert.DoesNotContain("Exception", error);
        Assert.Empty(appHost.NodePids);
    }

    [Fact]
    public async Task AppHost_BadOptions_ExitsWithEveryProblemAtOnce()
    {
        using var cts = TimeoutToken();
        await using var appHost = AppHostProcess.Start(output, "--nodes", "0", "--base-port", "lots");

        var exitCode = await appHost.WaitForExitAsync(cts.Token);

        Assert.Equal(1, exitCode);
        Assert.Contains("error: --base-port must be a whole number (got 'lots').", appHost.StandardError);
        Assert.Contains("error: --nodes must be between 1 and 200 (got 0).", appHost.StandardError);
        Assert.DoesNotContain(appHost.StandardError, l => l.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppHost_NodeCrashes_ShowsExitedAndRestartsOnCommand()
    {
        using var cts = TimeoutToken();
        await using var appHost = AppHostProcess.Start(output, [.. s_randomPorts, "--nodes", "2"]);
        await appHost.WaitForLineAsync(l => l.Contains("All 2 resources are healthy", StringComparison.Ordinal), cts.Token);
        var running = await appHost.WaitForResourceAsync("node-2", l => l.Health == "Healthy", cts.Token);

        System.Diagnostics.Process.GetProcessById(running.Pid!.Value).Kill();
        var crashed = await appHost.WaitForResourceAsync("node-2", l => l.State == "Exited", cts.Token);
        Assert.Equal(137, crashed.ExitCode);

        await appHost.SendLineAsync("start node-2");
        var back = await appHost.WaitForResourceAsync("node-2", l => l.State == "Running" && l.Health == "Healthy", cts.Token);
        Assert.Equal(1, back.Restarts);
        Assert.NotEqual(running.Pid, back.Pid);
        await appHost.WaitForLineAsync(l => l.EndsWith("start node-2: done.", StringComparison.Ordinal), cts.Token);

        await appHost.SendLineAsync("restart node-9");
        await appHost.WaitForLineAsync(l => l.Contains("restart node-9: No resource named 'node-9'", StringComparison.Ordinal), cts.Token);

        appHost.Signal(AppHostProcess.SigTerm);
        Assert.Equal(0, await appHost.WaitForExitAsync(cts.Token));
    }
}
