using System.CommandLine;
using GossipAspire.Benchmark;

namespace GossipAspire.Tests.Benchmark;

public sealed class BenchmarkCliTests
{
    [Fact]
    public async Task Parse_NoArguments_GivesTheDefaults()
    {
        var (exitCode, settings, _) = await InvokeAsync();

        Assert.Equal(0, exitCode);
        Assert.NotNull(settings);
        Assert.Equal(10, settings.Nodes);
        Assert.Equal(60, settings.Changes);
        Assert.Null(settings.BasePort);
        Assert.Null(settings.Out);
        Assert.False(settings.Aot);
        Assert.Equal(TimeSpan.Zero, settings.Delay);
        Assert.Null(settings.PickInterval);
        Assert.True(settings.DrivesPicks);
        Assert.Equal(TimeSpan.FromMilliseconds(300), settings.PickEvery);
        Assert.Equal("10-nodes", settings.Name);
        Assert.Equal(10, settings.WarmupPicks);
    }

    [Fact]
    public async Task Parse_EveryOption_IsCarriedIntoSettings()
    {
        var node = typeof(BenchmarkCliTests).Assembly.Location;

        var (exitCode, settings, error) = await InvokeAsync(
            "--nodes", "25", "--changes", "80", "--base-port", "20000", "--out", "results/x.json", "--delay", "100ms",
            "--pick-interval", "2s", "--pick-every", "250ms", "--warmup", "0", "--node", node, "--random-seed", "7", "--settle-timeout", "30s");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal(25, settings.Nodes);
        Assert.Equal(80, settings.Changes);
        Assert.Equal(20000, settings.BasePort);
        Assert.Equal("results/x.json", settings.Out);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.Delay);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.PickInterval);
        Assert.False(settings.DrivesPicks);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.PickEvery);
        Assert.Equal(0, settings.WarmupPicks);
        Assert.Equal(node, settings.NodePath);
        Assert.Equal(7, settings.RandomSeed);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.SettleTimeout);
        Assert.Equal("25-nodes-delay-100ms-warmup-0-pick-2s", settings.Name);
    }

    [Fact]
    public async Task Parse_AotAndShortAliases_AreAccepted()
    {
        var (exitCode, settings, error) = await InvokeAsync("-n", "50", "-c", "5", "--aot", "--wait-quiet");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal(50, settings.Nodes);
        Assert.Equal(5, settings.Changes);
        Assert.True(settings.Aot);
        Assert.True(settings.WaitQuiet);
        Assert.Equal("50-nodes-aot", settings.Name);
    }

    [Theory]
    [InlineData("--nodes 1", "--nodes must be between 2 and")]
    [InlineData("--nodes ten", "'ten' is not a whole number")]
    [InlineData("--changes 0", "--changes must be between 1 and")]
    [InlineData("--delay 100", "'100' is not a duration")]
    [InlineData("--delay 11s", "--delay may be at most 10s")]
    [InlineData("--pick-interval 0ms", "--pick-interval must be longer than zero")]
    [InlineData("--pick-every soon", "'soon' is not a duration")]
    [InlineData("--base-port 70000", "--base-port must be between 1 and 65535")]
    [InlineData("--base-port 65530", "leaves no room for 10 nodes")]
    [InlineData("--node /no/such/node.dll", "--node: no file at '/no/such/node.dll'")]
    [InlineData("--warmup -1", "--warmup must be between 0 and")]
    [InlineData("--nodes", "Required argument missing")]
    [InlineData("--bogus", "--bogus")]
    public async Task Parse_BadInput_FailsWithAClearMessageAndRunsNothing(string args, string expected)
    {
        var (exitCode, settings, error) = await InvokeAsync(args.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_AotWithNode_ExcludeEachOther()
    {
        var (exitCode, settings, error) = await InvokeAsync("--aot", "--node", typeof(BenchmarkCliTests).Assembly.Location);

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains("--aot and --node exclude each other", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parse_BadInput_PrintsErrorsNotTheWholeHelp()
    {
        var (_, _, error) = await InvokeAsync("--nodes", "0");

        Assert.DoesNotContain("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryOption()
    {
        var output = new StringWriter();
        var command = BenchmarkCli.Create((_, _) => Task.FromResult(0));

        var exitCode = await BenchmarkCli.Parse(command, ["--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, TestContext.Token());

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--nodes", "--changes", "--base-port", "--out", "--aot", "--delay", "--pick-interval", "--node" })
        {
            Assert.Contains(option, output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Parse_AttachWithPortsRangesAndUrls_MeasuresThoseNodes()
    {
        var (exitCode, settings, error) = await InvokeAsync("--attach", "5001-5003,5010,http://10.0.0.2:7000", "--pick-interval", "10s");

        Assert.True(exitCode == 0, error);
        Assert.NotNull(settings);
        Assert.Equal(
            ["http://127.0.0.1:5001/", "http://127.0.0.1:5002/", "http://127.0.0.1:5003/", "http://127.0.0.1:5010/", "http://10.0.0.2:7000/"],
            settings.Attach!.Select(u => u.ToString()));
        Assert.Equal(5, settings.Nodes);
        Assert.Equal("attached-5-nodes-pick-10s", settings.Name);
    }

    [Theory]
    [InlineData("--attach 5001", "--attach needs at least two nodes.")]
    [InlineData("--attach 5001-x", "--attach: '5001-x' is not a port")]
    [InlineData("--attach ftp://host:1,5002", "--attach: 'ftp://host:1' is not a port")]
    [InlineData("--attach 5001-5002 --nodes 3", "--attach measures nodes someone else started; --nodes is about starting them.")]
    [InlineData("--attach 5001-5002 --aot", "--attach measures nodes someone else started; --aot is about starting them.")]
    public async Task Parse_BadAttach_IsRefusedWithItsReason(string arguments, string expected)
    {
        var (exitCode, settings, error) = await InvokeAsync(arguments.Split(' '));

        Assert.NotEqual(0, exitCode);
        Assert.Null(settings);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, BenchmarkSettings? Settings, string Error)> InvokeAsync(params string[] args)
    {
        BenchmarkSettings? seen = null;
        var command = BenchmarkCli.Create((settings, _) =>
        {
            seen = settings;
            return Task.FromResult(0);
        });
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await BenchmarkCli.Parse(command, args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Token());

        return (exitCode, seen, error.ToString());
    }
}
