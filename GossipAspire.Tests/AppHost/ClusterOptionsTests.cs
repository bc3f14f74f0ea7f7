using GossipAspire.AppHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The AppHost's own options, read the way its <c>Program</c> reads them: the command line (after
/// <see cref="ClusterOptions.NormalizeSwitches"/>) through the configuration's command-line reader.
/// </summary>
public sealed class ClusterOptionsTests
{
    [Fact]
    public void NoArguments_GiveTenKeyedNodesFrom5001()
    {
        var options = Read();

        Assert.Equal((10, 5001, false, NodeLaunchMode.Exec), (options.Nodes, options.BasePort, options.Open, options.NodeLaunch));
        Assert.Null(options.PickInterval);
        Assert.Equal(5010, options.PortOf(10));
    }

    [Theory]
    [InlineData("--open")]
    [InlineData("--open --nodes 3")]
    [InlineData("--nodes 3 --open")]
    [InlineData("--open true --nodes 3")]
    [InlineData("--open=true")]
    public void Open_AsABareSwitchOrWithAValue_LeavesTheOtherOptionsAlone(string commandLine)
    {
        var args = commandLine.Split(' ');
        var options = Read(args);

        Assert.True(options.Open);
        Assert.Equal(args.Contains("3") ? 3 : 10, options.Nodes);
    }

    [Fact]
    public void BadValues_AreAllReportedAtOnce()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Read("--nodes", "0", "--base-port", "x", "--pick-interval", "soon", "--open", "maybe", "--node-launch", "fly"));

        Assert.Contains(error.Failures, f => f.Contains("--base-port must be a whole number", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("--pick-interval must be a time span", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("--open must be true or false", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("--node-launch must be exec, run or aot", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("--nodes must be between 1 and", StringComparison.Ordinal));
    }

    [Fact]
    public void BasePort_TooHighForTheNodes_IsRefused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read("--nodes", "10", "--base-port", "65530"));

        Assert.Contains("would need ports past 65535", error.Message, StringComparison.Ordinal);
    }

    private static ClusterOptions Read(params string[] args) =>
        ClusterOptions.FromConfiguration(new ConfigurationBuilder().AddCommandLine(ClusterOptions.NormalizeSwitches(args)).Build());
}
