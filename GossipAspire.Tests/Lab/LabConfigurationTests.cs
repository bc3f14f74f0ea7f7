using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Configuration;

namespace GossipAspire.Tests.Lab;

public sealed class LabConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void CommandLine_NodeRepeated_AndNodesCommaSeparated_AreTakenOut_TheRestPassesOn()
    {
        var parsed = LabCommandLine.Parse(["--node", "http://127.0.0.1:5001", "--urls", "http://127.0.0.1:0", "--node=http://127.0.0.1:5002", "--nodes", "http://127.0.0.1:5003, http://127.0.0.1:5004"]);

        Assert.Equal(["http://127.0.0.1:5001", "http://127.0.0.1:5002", "http://127.0.0.1:5003", "http://127.0.0.1:5004"], parsed.Nodes);
        Assert.Equal(["--urls", "http://127.0.0.1:0"], parsed.Rest);
        Assert.Empty(parsed.Problems);
    }

    [Fact]
    public void CommandLine_NodeWithoutAValue_IsAProblem()
    {
        Assert.Equal(["--node needs a node URL."], LabCommandLine.Parse(["--node"]).Problems);
        Assert.Equal(["--nodes needs a node URL."], LabCommandLine.Parse(["--nodes", "--urls", "x"]).Problems);
    }

    [Fact]
    public void NodeSources_AspireServiceVariables_NameEachNodeByItsResource_ThenLabNodes()
    {
        var configuration = Config(
            ("services:node-1:http:0", "http://localhost:5001"),
            ("services:node-2:http:0", "http://localhost:5002/"),
            ("services:other:https:0", "https://localhost:7000"));

        var (nodes, problems) = NodeSources.Read(configuration, new LabOptions { Nodes = ["http://127.0.0.1:5001", "http://127.0.0.1:6001"] });

        Assert.Empty(problems);
        Assert.Equal(
            [new ConfiguredNode("http://127.0.0.1:5001", "node-1"), new ConfiguredNode("http://127.0.0.1:5002", "node-2"),
             new ConfiguredNode("https://127.0.0.1:7000", "other"), new ConfiguredNode("http://127.0.0.1:6001", null)],
            nodes);
    }

    [Fact]
    public void Validator_ReportsEveryProblemAtOnce()
    {
        var validator = new LabOptionsValidator(Config(("services:node-1:http:0", "not a url")));

        var result = validator.Validate(null, new LabOptions
        {
            Nodes = ["ftp://127.0.0.1:5001", "http://127.0.0.1:5002/state/"],
            DashboardUrl = "localhost:18888",
            PollInterval = TimeSpan.Zero,
            MaxChanges = 0,
        });

        Assert.True(result.Failed);
        var failures = result.Failures.ToList();
        Assert.Equal(6, failures.Count);
        Assert.Contains("services:node-1:http:0 'not a url' is not an http URL.", failures);
        Assert.Contains(failures, f => f.Contains("'ftp://127.0.0.1:5001'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'http://127.0.0.1:5002/state/'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Lab:DashboardUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Lab:PollInterval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Lab:MaxChanges", StringComparison.Ordinal));
        Assert.False(new LabOptionsValidator(Config()).Validate(null, new LabOptions()).Failed);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5100", true)]
    [InlineData("http://localhost:5100;http://[::1]:5101", true)]
    [InlineData("http://0.0.0.0:5100", false)]
    [InlineData("http://*:5100", false)]
    [InlineData("http://192.168.1.10:5100", false)]
    public void ListenUrls_OnlyLoopback(string urls, bool ok) =>
        Assert.Equal(ok, !LabOptionsValidator.CheckListenUrls(urls).Any());

    [Theory]
    [InlineData("5001", "http://127.0.0.1:5001")]
    [InlineData("10.0.0.2:5001", "http://10.0.0.2:5001")]
    [InlineData("localhost:5001", "http://127.0.0.1:5001")]
    [InlineData("70000", null)]
    [InlineData("not-an-id", null)]
    public void PeerIds_AreReachedAsTheProtocolSays(string id, string? url) => Assert.Equal(url, NodeAddress.FromPeerId(id));
}
