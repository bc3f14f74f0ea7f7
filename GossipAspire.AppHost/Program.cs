using System.Globalization;
using GossipAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var cluster = ClusterOptions.FromConfiguration(builder.Configuration);

// node-1 ... node-N on consecutive ports, each seeded with its predecessor. They all start at once: a node
// retries a seed that is not up yet, so there is no WaitFor chain.
IResourceBuilder<ProjectResource>? previous = null;
for (var k = 1; k <= cluster.Nodes; k++)
{
    // Not proxied: a node's id is the port it listens on, and its peers dial that port.
    var node = builder.AddProject<Projects.GossipAspire_Node>($"node-{k}")
        .WithHttpEndpoint(port: cluster.BasePort + k - 1, name: "http", isProxied: false)
        .WithDirectLaunch()
        .WithHttpHealthCheck("/health")
        .WithHttpCommand("/pick/", "Pick a book now", commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = "The node picks a new book now and spreads it, as its timer would",
            IconName = "BookOpen",
            IsHighlighted = true,
        });
    node.WithUrl($"{node.GetEndpoint("http")}/state/", "/state/");

    if (cluster.PickInterval is { } pickInterval)
    {
        node.WithEnvironment("Gossip__PickInterval", pickInterval.ToString("c", CultureInfo.InvariantCulture));
    }

    if (previous is not null)
    {
        node.WithReference(previous.GetEndpoint("http"))
            .WithEnvironment("Gossip__Seed", previous.GetEndpoint("http"));
    }

    previous = node;
}

builder.Build().Run();

/// <summary>
/// Internal on purpose: the test project references both the AppHost and the node, and would otherwise see two
/// public Program types. Tests reach this entry point through Projects.GossipAspire_AppHost.
/// </summary>
internal sealed partial class Program;
