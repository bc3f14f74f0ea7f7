using GossipAspire.Dashboard.Resources;

namespace GossipAspire.Dashboard.Gossip;

/// <summary>One origin's entry in a node's world view (<c>GET /state/</c>, docs/PROTOCOL.md section 6).</summary>
public sealed record WorldEntry(long Version, string Book, DateTime? PickedAt, DateTime? ReceivedAt);

/// <summary>What one poll of one node found.</summary>
public sealed record NodeState
{
    public required string Url { get; init; }

    /// <summary>The node's own id (its port by default); the URL's port until the node has answered.</summary>
    public required string Id { get; init; }

    /// <summary>The AppHost resource this node is, when the resource service names it.</summary>
    public string? ResourceName { get; init; }

    public bool Reachable { get; init; }

    public string? Error { get; init; }

    public long Version { get; init; }

    public string Book { get; init; } = "";

    public IReadOnlyList<string> Peers { get; init; } = [];

    public IReadOnlyDictionary<string, WorldEntry> World { get; init; } = new Dictionary<string, WorldEntry>();

    public IReadOnlyDictionary<string, long> Stats { get; init; } = new Dictionary<string, long>();

    public DateTime? StartedAt { get; init; }

    public string Label => ResourceName is null ? Id : $"{ResourceName} ({Id})";
}

/// <summary>One cell of the who-knows-what matrix: what <c>Observer</c> holds of <c>Origin</c>.</summary>
public sealed record MatrixCell(string Observer, string Origin, long? Version, string? Book, bool Fresh, long? CurrentVersion);

/// <summary>The whole network at one poll, with the matrix and its freshness worked out.</summary>
public sealed record GossipSnapshot(DateTime At, IReadOnlyList<NodeState> Nodes, IReadOnlyList<double> FreshnessHistory)
{
    public static readonly GossipSnapshot Empty = new(DateTime.MinValue, [], []);

    public IReadOnlyList<NodeState> Reachable => [.. Nodes.Where(n => n.Reachable)];

    /// <summary>Origins shown as columns: every reachable node, in the rows' order.</summary>
    public IReadOnlyList<string> Origins => [.. InDisplayOrder(Reachable).Select(n => n.Id).Distinct()];

    /// <summary>The version each origin holds of itself: the truth a cell is compared with.</summary>
    public IReadOnlyDictionary<string, long> CurrentVersions => Reachable.GroupBy(n => n.Id).ToDictionary(g => g.Key, g => g.Max(n => n.Version));

    public MatrixCell Cell(NodeState observer, string origin)
    {
        CurrentVersions.TryGetValue(origin, out var current);
        if (!observer.World.TryGetValue(origin, out var entry))
        {
            return new MatrixCell(observer.Id, origin, null, null, false, current);
        }

        return new MatrixCell(observer.Id, origin, entry.Version, entry.Book, entry.Version >= current, current);
    }

    /// <summary>Share of (observer, origin) pairs where the observer holds the origin's current version.</summary>
    public double? Freshness
    {
        get
        {
            var observers = Reachable;
            var origins = Origins;
            if (observers.Count == 0 || origins.Count == 0)
            {
                return null;
            }

            var fresh = 0;
            foreach (var observer in observers)
            {
                foreach (var origin in origins)
                {
                    if (Cell(observer, origin).Fresh)
                    {
                        fresh++;
                    }
                }
            }

            return (double)fresh / (observers.Count * origins.Count);
        }
    }

    /// <summary>
    /// Rows and columns as a person reads them: AppHost resources by name (node-2 before node-10, whatever
    /// ports they drew), then nodes known only by id, numeric ids by value.
    /// </summary>
    public static IEnumerable<NodeState> InDisplayOrder(IEnumerable<NodeState> nodes) => nodes
        .OrderBy(n => n.ResourceName is null)
        .ThenBy(n => n.ResourceName ?? "", ResourceNameComparer.Instance)
        .ThenBy(n => IdOrder(n.Id))
        .ThenBy(n => n.Id, StringComparer.Ordinal);

    private static long IdOrder(string id) => long.TryParse(id, out var number) ? number : long.MaxValue;
}
