using GossipAspire.Lab.Nodes;

namespace GossipAspire.Lab.Configuration;

/// <summary>A node the Lab was told about: its URL, and its resource name when an AppHost named it.</summary>
public sealed record ConfiguredNode(string Url, string? ResourceName);

/// <summary>
/// Reads the nodes the Lab was given: Aspire's service-discovery variables first (an AppHost that runs the Lab
/// with <c>WithReference(node)</c> sets <c>services__node-1__http__0=http://localhost:5001</c>, read here as
/// <c>services:node-1:http:0</c>, and the node is named by its resource), then <c>Lab:Nodes</c> and the
/// command line. Every value that is not an http URL is a problem, reported with the key it came from.
/// </summary>
public static class NodeSources
{
    public const string ServicesSection = "services";

    public static (IReadOnlyList<ConfiguredNode> Nodes, IReadOnlyList<string> Problems) Read(IConfiguration configuration, LabOptions options)
    {
        var nodes = new List<ConfiguredNode>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var service in configuration.GetSection(ServicesSection).GetChildren())
        {
            // Prefer the first http endpoint; a service with only https is still a node to read.
            var endpoint = service.GetSection("http").GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault()
                ?? service.GetSection("https").GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal).FirstOrDefault();
            if (endpoint is null)
            {
                continue;
            }

            if (!NodeAddress.TryParseUrl(endpoint.Value, out var url))
            {
                problems.Add($"{endpoint.Path} '{endpoint.Value}' is not an http URL.");
                continue;
            }

            if (seen.Add(url))
            {
                nodes.Add(new ConfiguredNode(url, service.Key));
            }
        }

        for (var i = 0; i < options.Nodes.Count; i++)
        {
            var text = options.Nodes[i];
            if (!NodeAddress.TryParseUrl(text, out var url))
            {
                problems.Add($"the node URL '{text}' (Lab:Nodes, --node or --nodes) is not an http URL like http://127.0.0.1:5001.");
                continue;
            }

            if (seen.Add(url))
            {
                nodes.Add(new ConfiguredNode(url, null));
            }
        }

        return (nodes, problems);
    }
}
