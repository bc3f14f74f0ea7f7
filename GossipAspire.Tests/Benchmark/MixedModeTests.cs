using System.CommandLine;
using GossipAspire.Benchmark;
using GossipAspire.Benchmark.Gem;
using Spectre.Console;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Benchmark;

/// <summary>The <c>mixed</c> subcommand: its command line, and one short run with real nodes and stand-in gem nodes.</summary>
[Collection(ProcessCollection.Name)]
public sealed class MixedModeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Parse_Mixed_NoOptions_GivesTheGemsOwnIntervalsAndTenNodes()
    {
        var (exitCode, settings, error) = await InvokeAsync("mixed");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal((10, 5, 5), (settings.Nodes, settings.OurNodes, settings.GemNodes));
        Assert.Equal(TimeSpan.FromSeconds(90), settings.Duration);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)), (settings.GemPush, settings.GemPick));
        Assert.Equal(TimeSpan.FromSeconds(10), settings.PickInterval);
        Assert.Equal("mixed-10-nodes", settings.Name);
    }

    [Fact]
    public async Task Parse_Mixed_EveryOption_IsCarriedIntoSettings()
    {
        var node = typeof(MixedModeTests).Assembly.Location;

        var (exitCode, settings, error) = await InvokeAsync(
            "mixed", "--nodes", "5", "--duration", "20s", "--grace", "3s", "--gem-push", "1s", "--gem-pick", "1500ms",
            "--pick-interval", "2s", "--settle-timeout", "40s", "--base-port", "20000", "--node", node, "--out", "x.json");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal((5, 3, 2), (settings.Nodes, settings.OurNodes, settings.GemNodes));
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Grace);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1500)), (settings.GemPush, settings.GemPick));
        Assert.Equal(TimeSpan.FromSeconds(2), settings.PickInterval);
        Assert.Equal(TimeSpan.FromSeconds(40), settings.SettleTimeout);
        Assert.Equal(20000, settings.BasePort);
        Assert.Equal(node, settings.NodePath);
        Assert.Equal("x.json", settings.Out);
        Assert.Equal("mixed-5-nodes-gem-1s-1.5s", settings.Name);
    }

    [Theory]
    [InlineData("--nodes", "1", "--nodes must be between 2 and 100")]
    [InlineData("--duration", "0s", "--duration must be longer than zero")]
    [InlineData("--gem-push", "soon", "--gem-push:")]
    [InlineData("--base-port", "65530", "leaves no room for 10 nodes")]
    [InlineData("--node", "/no/such/node.dll", "--node: no file at")]
    public async Task Parse_Mixed_BadValue_IsAClearErrorAndNothingRuns(string option, string value, string message)
    {
        var (exitCode, settings, error) = await InvokeAsync("mixed", option, value);

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FourNodesAtFastGemIntervals_ReportsFreshnessAndGemPickSpread()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gossip-mixed-{Guid.NewGuid():N}.json");
        var settings = new MixedSettings
        {
            Nodes = 4,
            Duration = TimeSpan.FromSeconds(8),
            Grace = TimeSpan.FromSeconds(3),
            GemPush = TimeSpan.FromMilliseconds(500),
            GemPick = TimeSpan.FromSeconds(1),
            PickInterval = TimeSpan.FromSeconds(2),
            NodePath = Path.Combine(AppContext.BaseDirectory, "GossipAspire.Node.dll"),
            Out = path,
        };
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 160;

        try
        {
            var exitCode = await MixedRunner.RunAsync(settings, console, TestContext.Token()).WaitAsync(TestContext.Timeout);
            output.WriteLine(writer.ToString());
            var report = MixedReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Token()));
            output.WriteLine(report.ToJson());

            Assert.True(exitCode is BenchmarkRunner.ExitOk or BenchmarkRunner.ExitIncomplete, $"exit code {exitCode}");
            Assert.DoesNotContain(report.Problems, p => p.Contains("exited", StringComparison.Ordinal));
            Assert.Equal((4, 2, 2), (report.Settings.Nodes, report.Settings.OurNodes, report.Settings.GemNodes));
            Assert.NotNull(report.FormationSeconds);
            Assert.True(report.GemPicks.Changes >= 8, $"{report.GemPicks.Changes} gem picks in the window"); // two gem nodes, one a second, 8 s
            Assert.True(report.GemPicks.LearnedByAll > 0);
            Assert.True(report.OurPicks.Changes >= 4, $"{report.OurPicks.Changes} of our picks in the window");
            Assert.All(
                new[] { report.Freshness.GemsObservingOurs, report.Freshness.OursObservingGems, report.Freshness.OursObservingOurs, report.Freshness.All },
                share => Assert.InRange(share, 0.0, 1.0));
            Assert.True(report.Freshness.GemsObservingOurs > 0, "gem nodes must have held some of our books some of the time");
            Assert.True(report.Traffic.GemPushes > 0);
            Assert.Equal(0, report.Traffic.GemAnswered500); // our envelopes are gem-shaped
            Assert.True(report.Traffic.GemAnswered404 >= 1); // our nodes' digest, once per gem peer
            Assert.Equal(2, report.Targets.Count);
            Assert.Equal(report.GemPicks.Changes + report.OurPicks.Changes, report.Changes.Count);
            Assert.All(report.Changes, c => Assert.InRange(c.PickedAt!.Value, report.StartedAt, DateTimeOffset.UtcNow));
            Assert.Contains("gem pick to every node: max", writer.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(int ExitCode, MixedSettings? Settings, string Error)> InvokeAsync(params string[] args)
    {
        MixedSettings? seen = null;
        var root = BenchmarkCli.Create((_, _) => Task.FromResult(0));
        root.Subcommands.Add(MixedCli.Create((settings, _) =>
        {
            seen = settings;
            return Task.FromResult(0);
        }));
        var error = new StringWriter();

        var exitCode = await BenchmarkCli.Parse(root, args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, TestContext.Token());

        return (exitCode, seen, error.ToString());
    }
}
