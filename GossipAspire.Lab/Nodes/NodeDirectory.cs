using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Monitoring;

namespace GossipAspire.Lab.Nodes;

/// <summary>A node to poll: its URL, its resource name if an AppHost gave one, and whether it was configured or found as a peer.</summary>
public sealed record NodeTarget(string Url, string? ResourceName, bool Configured);

/// <summary>
/// Which nodes the Lab polls: the configured ones (Aspire's <c>services:*</c>, <c>Lab:Nodes</c>, <c>--node</c>),
/// and, unless <see cref="LabOptions.FollowPeers"/> is off, every peer a reachable node lists, so one seed URL
/// finds a whole network. A found peer that fails ten polls in a row is forgotten (until some node lists it
/// again); one that turns out to be a configured node under another URL (its <c>/state/</c> gives the same id)
/// is dropped for good.
/// </summary>
public sealed class NodeDirectory
{
    private const int ForgetAfterFailures = 10;

    private readonly IReadOnlyList<NodeTarget> _configured;
    private readonly bool _followPeers;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _found = new(StringComparer.Ordinal);
    private readonly HashSet<string> _aliases = new(StringComparer.Ordinal);

    public NodeDirectory(IEnumerable<ConfiguredNode> configured, bool followPeers)
    {
        _configured = [.. configured.Select(c => new NodeTarget(c.Url, c.ResourceName, true))];
        _followPeers = followPeers;
    }

    public bool HasNodes => _configured.Count > 0;

    public IReadOnlyList<NodeTarget> Configured => _configured;

    public IReadOnlyList<NodeTarget> Targets()
    {
        lock (_lock)
        {
            return [.. _configured, .. _found.Keys.Select(url => new NodeTarget(url, null, false))];
        }
    }

    /// <summary>Learns from one poll: peers to follow, found nodes that stay silent, and URLs that are another name for a configured node.</summary>
    public IReadOnlyList<string> Learn(IReadOnlyList<NodeInfo> polled)
    {
        var forgotten = new List<string>();
        lock (_lock)
        {
            var configuredIds = polled.Where(n => n.Reachable && _configured.Any(c => c.Url == n.Url)).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var node in polled.Where(n => _found.ContainsKey(n.Url)))
            {
                if (node.Reachable && configuredIds.Contains(node.Id))
                {
                    _aliases.Add(node.Url);
                    _found.Remove(node.Url);
                    forgotten.Add(node.Url);
                }
                else if (node.Reachable)
                {
                    _found[node.Url] = 0;
                }
                else if (++_found[node.Url] >= ForgetAfterFailures)
                {
                    _found.Remove(node.Url);
                    forgotten.Add(node.Url);
                }
            }

            if (_followPeers)
            {
                var known = _configured.Select(c => c.Url).ToHashSet(StringComparer.Ordinal);
                foreach (var peer in polled.Where(n => n.Reachable).SelectMany(n => n.Peers).Distinct(StringComparer.Ordinal))
                {
                    if (configuredIds.Contains(peer))
                    {
                        continue;
                    }

                    if (NodeAddress.FromPeerId(peer) is { } url && !known.Contains(url) && !_aliases.Contains(url))
                    {
                        _found.TryAdd(url, 0);
                    }
                }
            }
        }

        return forgotten;
    }
}
