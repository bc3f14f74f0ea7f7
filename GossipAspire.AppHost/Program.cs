using System.Globalization;
using GossipAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var cluster = ClusterOptions.FromConfiguration(builder.Configuration);

// node-1 ... node-N on consecutive ports, each seeded with its predecessor. They all start at once: a node
// retries a seed that is not up yet, so there is no WaitFor chain.
IResourceBuilder<ProjectResource>? previous = null;
for (var k = 1; k <= cluster.Nodes; k++)
{
    var node = builder.AddProject<Projects.GossipAspire_Node>($"node-{k}")
        .WithHttpEndpoint(port: cluster.BasePort + k - 1, name: "http")
        .WithHttpHealthCheck("/health");

    if (cluster.PickInterval is { } pickInterval)
    {
        node.WithEnvironment("Gossip__PickInterval", pickInterval.ToString("c", CultureInfo.InvariantCulture));
    }

    if (previous is not null)
    {
        node.WithReference(previous)
            .WithEnvironment("Gossip__Seed", previous.GetEndpoint("http"));
    }

    previous = node;
}

builder.Build().Run();

/// <summary>
/// Internal on purpose: the ASP.NET Core analyzers (which come with the hosting layer) would make a top-level
/// Program public, and the test project, which references both the AppHost and the node, would then see two
/// public Program types. Tests reach this entry point through Projects.GossipAspire_AppHost.
/// </summary>
internal sealed partial class Program;
