using System.CommandLine;
using GossipAspire.Benchmark;
using GossipAspire.Benchmark.Reliability;

namespace GossipAspire.Tests.Benchmark;

public sealed class ReliabilityCliTests
{
    [Fact]
    public async Task Parse_NoArguments_RunsEveryScenarioInItsLongVersion()
    {
        var (exitCode, settings, error) = await InvokeAsync("reliability");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal(["freeze", "restart", "flood", "hostile", "startup"], settings.Scenarios);
        Assert.Equal(10, settings.Nodes);
        Assert.Equal(3, settings.Runs);
        Assert.Equal(5, settings.StartupRuns);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.FreezeFor);
        Assert.Equal(50, settings.FloodRate);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.FloodFor);
        Assert.Equal(500, settings.HostilePeers);
        Assert.Empty(settings.NodeSettings);
        Assert.Equal(["--Gossip:PickInterval=01:00:00"], settings.NodeArguments);
    }

    [Fact]
    public async Task Parse_ScenariosInAnyOrder_RunInTheFixedOrder_WithTheirOptions()
    {
        var (exitCode, settings, error) = await InvokeAsync(
            "reliability", "startup", "freeze", "--nodes", "5", "--runs", "2", "--freeze", "5s", "--set", "Gossip:AntiEntropyInterval=01:00:00");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal(["freeze", "startup"], settings.Scenarios);
        Assert.Equal(5, settings.Nodes);
        Assert.Equal(2, settings.Runs);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.FreezeFor);
        Assert.Equal(["--Gossip:PickInterval=01:00:00", "--Gossip:AntiEntropyInterval=01:00:00"], settings.NodeArguments);
    }

    [Theory]
    [InlineData("--nodes", "2", "--nodes must be between 3 and 50")]
    [InlineData("--flood-rate", "0", "--flood-rate must be between 1 and 1000")]
    [InlineData("--freeze", "20", "--freeze: '20' is not a duration")]
    [InlineData("--flood-for", "0s", "--flood-for must be longer than zero")]
    [InlineData("--set", "Gossip:Ttl", "--set 'Gossip:Ttl': write Key=Value")]
    public async Task Parse_BadValue_IsOneClearErrorAndNothingRuns(string option, string value, string expected)
    {
        var (exitCode, settings, error) = await InvokeAsync("reliability", option, value);

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_UnknownScenario_IsRefused()
    {
        var (exitCode, settings, error) = await InvokeAsync("reliability", "meltdown");

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains("meltdown", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("freeze")]
    [InlineData("restart")]
    [InlineData("flood")]
    [InlineData("hostile")]
    [InlineData("startup")]
    public async Task CommandLine_OfAScenario_ParsesBackToTheSameSettings(string scenario)
    {
        var given = new ReliabilitySettings
        {
            Scenarios = [scenario],
            Nodes = 7,
            Runs = 4,
            StartupRuns = 6,
            FreezeFor = TimeSpan.FromSeconds(15),
            PickEvery = TimeSpan.FromMilliseconds(300),
            DownFor = TimeSpan.FromSeconds(3),
            FloodRate = 40,
            FloodFor = TimeSpan.FromSeconds(90),
            HostilePeers = 300,
            HostileWatch = TimeSpan.FromSeconds(12),
            NodeSettings = ["Gossip:AntiEntropyInterval=00:00:05"],
        };
        var line = ReliabilityCli.CommandLine(given, scenario);
        var args = line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Split(' ');

        var (exitCode, parsed, error) = await InvokeAsync(args);

        Assert.True(exitCode == 0, $"{line}: {error}");
        Assert.NotNull(parsed);
        var defaults = new ReliabilitySettings();
        Assert.Equal(given.Scenarios, parsed.Scenarios);
        Assert.Equal(given.Nodes, parsed.Nodes);
        Assert.Equal(given.NodeSettings, parsed.NodeSettings);
        switch (scenario)
        {
            case "freeze":
                Assert.Equal((given.Runs, given.FreezeFor, given.PickEvery), (parsed.Runs, parsed.FreezeFor, parsed.PickEvery));
                break;
            case "restart":
                Assert.Equal((given.Runs, given.DownFor, given.PickEvery), (parsed.Runs, parsed.DownFor, parsed.PickEvery));
                break;
            case "flood":
                Assert.Equal((given.FloodRate, given.FloodFor), (parsed.FloodRate, parsed.FloodFor));
                break;
            case "hostile":
                Assert.Equal((given.HostilePeers, given.HostileWatch, given.PickEvery), (parsed.HostilePeers, parsed.HostileWatch, parsed.PickEvery));
                break;
            case "startup":
                Assert.Equal(given.StartupRuns, parsed.StartupRuns);
                Assert.Equal(defaults.Runs, parsed.Runs);
                break;
        }
    }

    private static async Task<(int ExitCode, ReliabilitySettings? Settings, string Error)> InvokeAsync(params string[] args)
    {
        ReliabilitySettings? seen = null;
        var root = BenchmarkCli.Create((_, _) => Task.FromResult(0));
        root.Subcommands.Add(ReliabilityCli.Create((settings, _) =>
        {
            seen = settings;
            return Task.FromResult(0);
        }));
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await BenchmarkCli.Parse(root, args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Token());

        return (exitCode, seen, error.ToString());
    }
}
