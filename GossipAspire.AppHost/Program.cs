using System.Globalization;
using GossipAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(ClusterOptions.NormalizeSwitches(args));

var cluster = ClusterOptions.FromConfiguration(builder.Configuration);

// The keyring (docs/PROTOCOL.md, section 10): one generated secret, new on every run unless Parameters:gossip-key
// is set, passed to every node, so the cluster signs and checks its gossip by default. --open leaves it out.
var gossipKey = cluster.Open
    ? null
    : builder.AddParameter("gossip-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

// The Lab: the gossip views no Aspire dashboard has (network, who-knows-what matrix, propagation trees), read
// from the nodes it references; every change links to its trace in the dashboard.
var lab = builder.AddProject<Projects.GossipAspire_Lab>("lab")
    .WithNodeLaunch(cluster.NodeLaunch == NodeLaunchMode.Run ? NodeLaunchMode.Run : NodeLaunchMode.Exec, assembly: null)
    .WithHttpHealthCheck("/health")
    .WithDashboardUrl("Lab__DashboardUrl")
    .WithUrlForEndpoint("http", url => url.DisplayText = "Lab");

// node-1 ... node-N on consecutive ports, each seeded with its predecessor. They all start at once: a node
// retries a seed that is not up yet, so there is no WaitFor chain. Endpoints are not proxied: a node's id is
// the port it listens on, and its peers dial that port.
var nodes = new List<IResourceBuilder<IResourceWithEndpoints>>();
for (var k = 1; k <= cluster.Nodes; k++)
{
    var name = $"node-{k}";
    var port = cluster.PortOf(k);
    nodes.Add(cluster.NodeLaunch == NodeLaunchMode.Aot
        ? GossipNode(builder.AddNativeNode(name, port))
        : GossipNode(builder.AddProject<Projects.GossipAspire_Node>(name)
            .WithHttpEndpoint(port: port, name: "http", isProxied: false)
            .WithNodeLaunch(cluster.NodeLaunch, cluster.NodeAssembly)));
}

foreach (var node in nodes)
{
    lab.WithReference(node.GetEndpoint("http"));
}

ClusterReadiness.LogWhenAllHealthy(nodes);
if (cluster.PromptHealthChecks)
{
    PromptHealthChecks.WatchStarting(builder, [.. nodes, lab]);
}

builder.Build().Run();

// What every node gets, however it is launched.
IResourceBuilder<IResourceWithEndpoints> GossipNode<T>(IResourceBuilder<T> node) where T : class, IResourceWithEnvironment, IResourceWithEndpoints
{
    node.WithHttpHealthCheck("/health")
        .WithHttpCommand("/pick/", "Pick a book now", commandOptions: new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = "The node picks a new book now and spreads it, as its timer would.",
            IconName = "BookOpen",
            IsHighlighted = true,
        })
        .WithUrl($"{node.GetEndpoint("http")}/state/", "/state/")
        .WithUrl($"{lab.GetEndpoint("http")}/nodes/{node.Resource.Name}", "In the Lab");

    if (cluster.PickInterval is { } pickInterval)
    {
        node.WithEnvironment("Gossip__PickInterval", pickInterval.ToString("c", CultureInfo.InvariantCulture));
    }

    if (gossipKey is not null)
    {
        node.WithEnvironment("Gossip__Keys__0", gossipKey);
    }

    if (nodes.Count > 0)
    {
        var seed = nodes[^1].GetEndpoint("http");
        node.WithReference(seed).WithEnvironment("Gossip__Seed", seed);
    }

    return node;
}

/// <summary>
/// Internal on purpose: the test project references both the AppHost and the node, and would otherwise see two
/// public Program types. Tests reach this entry point through Projects.GossipAspire_AppHost.
/// </summary>
internal sealed partial class Program;
