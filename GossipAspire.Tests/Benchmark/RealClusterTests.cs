using GossipAspire.Benchmark;
using Spectre.Console;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Benchmark;

/// <summary>The benchmark end to end against real node processes (the node built beside the tests).</summary>
[Collection(ProcessCollection.Name)]
public sealed class RealClusterTests(ITestOutputHelper output)
{
    private static string NodeAssembly => Path.Combine(AppContext.BaseDirectory, "GossipAspire.Node.dll");

    [Fact]
    public async Task Run_ThreeRealNodes_ReportIsCompleteAndPlausible()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gossip-bench-{Guid.NewGuid():N}.json");
        var settings = new BenchmarkSettings
        {
            Nodes = 3,
            Changes = 5,
            PickEvery = TimeSpan.FromMilliseconds(100),
            NodePath = NodeAssembly,
            Out = path,
            SettleTimeout = TimeSpan.FromSeconds(30),
        };
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;

        try
        {
            var exitCode = await BenchmarkRunner.RunAsync(settings, console, TestContext.Token()).WaitAsync(TestContext.Timeout);
            output.WriteLine(writer.ToString());

            Assert.Equal(BenchmarkRunner.ExitOk, exitCode);
            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Token()));
            output.WriteLine(report.ToJson());

            Assert.Empty(report.Problems);
            Assert.Equal(5, report.Latency.Changes);
            Assert.Equal(5, report.Latency.LearnedByAll);
            Assert.All(report.Changes, c =>
            {
                Assert.Equal(2, c.LearnedBy);
                Assert.True(c.LatencyMs >= 0);
                Assert.NotNull(c.PickedAt);
            });
            Assert.True(report.Latency.P50Ms > 0);
            Assert.True(report.Latency.MaxMs >= report.Latency.P99Ms);
            Assert.True(report.Latency.P99Ms >= report.Latency.P50Ms);
            Assert.True(report.Traffic.Requests > 0);
            Assert.True(report.Traffic.Bytes > report.Traffic.Requests);
            Assert.True(report.Traffic.CpuMsPerChange > 0);
            Assert.NotNull(report.Machine.CpuBusyBeforePercent);
            Assert.NotNull(report.Machine.OtherCpuPercent);
            Assert.InRange(report.Freshness.Share, 0.0, 1.0);
            Assert.True(report.Freshness.WindowSeconds > 0);
            Assert.Equal(3, report.Rss.PerNode.Count);
            Assert.All(report.Rss.PerNode.Values, mib => Assert.True(mib > 1));
            Assert.Equal(3, report.Startup.PerNode.Count);
            Assert.All(report.Startup.PerNode.Values, ms => Assert.True(ms > 0));
            Assert.NotNull(report.ConvergenceSeconds);
            Assert.Contains("latency p99", writer.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Run_AttachedToNodesItDidNotStart_MeasuresThemAndLeavesThemRunning()
    {
        var ports = GossipAspire.Tests.Node.NodeProcess.FreePorts(3);
        var nodes = new List<GossipAspire.Tests.Node.NodeProcess>();
        var path = Path.Combine(Path.GetTempPath(), $"gossip-bench-attached-{Guid.NewGuid():N}.json");
        try
        {
            for (var i = 0; i < ports.Length; i++)
            {
                string[] seed = i == 0 ? [] : ["--seed", ports[i - 1].ToString(System.Globalization.CultureInfo.InvariantCulture)];
                nodes.Add(GossipAspire.Tests.Node.NodeProcess.Start(output, ports[i], [.. seed, "--Gossip:PickInterval=01:00:00"]));
            }

            var settings = new BenchmarkSettings
            {
                Attach = [.. ports.Select(p => new Uri($"http://127.0.0.1:{p}"))],
                Nodes = 3,
                Changes = 5,
                PickEvery = TimeSpan.FromMilliseconds(100),
                Out = path,
                SettleTimeout = TimeSpan.FromSeconds(60),
            };
            await WaitHealthyAsync(ports);
            var writer = new StringWriter();
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(writer) });
            console.Profile.Width = 160;

            var exitCode = await BenchmarkRunner.RunAsync(settings, console, TestContext.Token()).WaitAsync(TestContext.Timeout);
            output.WriteLine(writer.ToString());

            Assert.Equal(BenchmarkRunner.ExitOk, exitCode);
            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Token()));
            Assert.Empty(report.Problems);
            Assert.Equal(5, report.Latency.LearnedByAll);
            // The processes were found by their ports: memory and CPU are the nodes' own.
            Assert.Equal(ports.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), report.Rss.PerNode.Keys.Order());
            Assert.True(report.Traffic.CpuMsPerChange > 0);
            // Not the benchmark's to stop.
            Assert.All(nodes, n => Assert.False(n.HasExited));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            File.Delete(path);
        }
    }

    private static async Task WaitHealthyAsync(IEnumerable<int> ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var port in ports)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health", TestContext.Token())).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, $"node {port} was not healthy within 60 s");
                await Task.Delay(100, TestContext.Token());
            }
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Run_NodeThatFailsToStart_FailsWithTheNodesOwnError()
    {
        // A "node" that writes one line to stderr and exits, as the real node does on a bad setting.
        var script = Path.Combine(Path.GetTempPath(), $"bad-node-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho \"gossip node: bad setting $*\" >&2\nexit 2\n", TestContext.Token());
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var settings = new BenchmarkSettings { Nodes = 2, Changes = 1, NodePath = script, Out = script + ".json" };
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 200;

        try
        {
            var exitCode = await BenchmarkRunner.RunAsync(settings, console, TestContext.Token()).WaitAsync(TestContext.Timeout);
            output.WriteLine(writer.ToString());

            Assert.Equal(BenchmarkRunner.ExitFailed, exitCode);
            Assert.Contains("exited with code 2 before answering /health", writer.ToString(), StringComparison.Ordinal);
            Assert.Contains("gossip node: bad setting --port", writer.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(settings.Out));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
