using System.Globalization;
using GossipAspire.Benchmark;

namespace GossipAspire.Tests.Benchmark;

public sealed class NodeProcessTests
{
    // A stand-in "node": a shell that starts a child and waits, so the test can see the whole group stop.
    private static readonly NodeCommand s_shell = new("/bin/sh", ["-c", "sleep 300 & echo \"started $*\"; wait", "node"], "sh");

    [Fact]
    public void NodeArguments_CarryPortSeedAndSettings()
    {
        var arguments = NodeProcess.NodeArguments(new NodeLaunch(5001, 5000, ["--Gossip:SendDelay=00:00:00.1000000"]));

        Assert.Equal(["--port", "5001", "--seed", "5000", "--Gossip:SendDelay=00:00:00.1000000"], arguments);
    }

    [Fact]
    public void NodeArguments_FirstNode_HasNoSeed()
    {
        Assert.Equal(["--port", "5000"], NodeProcess.NodeArguments(new NodeLaunch(5000, null, [])));
    }

    [Fact]
    public void NodeSettings_QuietTimerUnlessThePickIntervalIsGiven()
    {
        Assert.Equal(
            ["--Gossip:PickInterval=01:00:00", "--Gossip:SendDelay=00:00:00.1000000"],
            LocalCluster.NodeSettings(new BenchmarkSettings { Delay = TimeSpan.FromMilliseconds(100) }));
        Assert.Equal(
            ["--Gossip:PickInterval=00:00:02", "--Gossip:SendDelay=00:00:00"],
            LocalCluster.NodeSettings(new BenchmarkSettings { PickInterval = TimeSpan.FromSeconds(2) }));
    }

    [Fact]
    public async Task Start_LeadsItsOwnProcessGroup_AndStopTakesTheWholeGroup()
    {
        Assert.True(NodeProcess.ContainsChildren, "the benchmark runs on Linux with util-linux (setpriv, setsid)");
        var node = await NodeProcess.StartAsync(s_shell, new NodeLaunch(5001, 5000, [])).WaitAsync(TestContext.Timeout);
        try
        {
            await WaitUntilAsync(() => node.RecentOutput.Any(l => l.StartsWith("started", StringComparison.Ordinal)));
            Assert.Contains("started --port 5001 --seed 5000", node.RecentOutput);
            Assert.Equal(node.Pid, ProcessGroup(node.Pid));
            var child = await WaitForChildAsync(node.Pid);
            Assert.Equal(node.Pid, ProcessGroup(child));
            Assert.NotNull(node.RssKiB());

            await node.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(TestContext.Timeout);

            Assert.True(node.HasExited);
            await WaitUntilAsync(() => IsGone(child));
            Assert.Null(node.RssKiB());
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public void ReadRss_OfThisProcess_IsPositive()
    {
        Assert.True(NodeProcess.ReadRssKiB(Environment.ProcessId) > 0);
        Assert.Null(NodeProcess.ReadRssKiB(int.MaxValue));
    }

    [Fact]
    public void ReadCpuSeconds_OfThisProcess_IsPositive()
    {
        // A test host has compiled and run a good deal by now.
        Assert.True(NodeProcess.ReadCpuSeconds(Environment.ProcessId) > 0);
        Assert.Null(NodeProcess.ReadCpuSeconds(int.MaxValue));
    }

    [Fact]
    public async Task MachineCpu_ReadsProcStat()
    {
        var busy = MachineCpu.BusySeconds();
        var percent = await MachineCpu.BusyPercentAsync(TimeSpan.FromMilliseconds(200), TestContext.Token());

        Assert.True(busy > 0);
        Assert.InRange(percent!.Value, 0, 100);
        Assert.True(MachineCpu.OwnSeconds() > 0);
    }

    private static async Task<int> WaitForChildAsync(int parent)
    {
        int? child = null;
        await WaitUntilAsync(() => (child = Children(parent).FirstOrDefault()) is > 0);
        return child!.Value;
    }

    private static IEnumerable<int> Children(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) && StatField(pid, 1) == parent)
            {
                yield return pid;
            }
        }
    }

    private static int? ProcessGroup(int pid) => StatField(pid, 2);

    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] is "Z" or "X";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>A field of /proc/PID/stat after the command name: 0 state, 1 ppid, 2 pgrp.</summary>
    private static int? StatField(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[index], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var token = TestContext.Token();
        while (!condition())
        {
            await Task.Delay(20, token);
        }
    }
}
