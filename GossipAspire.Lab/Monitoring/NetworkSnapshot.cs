namespace GossipAspire.Lab.Monitoring;

/// <summary>One cell of the who-knows-what matrix: what <c>Observer</c> holds of <c>Origin</c>, and whether that is current.</summary>
public sealed record MatrixCell(string Observer, string Origin, long? Version, string? Book, long? CurrentVersion)
{
    public bool Fresh => Version is { } version && CurrentVersion is { } current && version >= current;

    public bool Missing => Version is null;

    /// <summary>The pick counter: the low 20 bits of a version (docs/PROTOCOL.md section 6).</summary>
    public long? Counter => Version is { } version ? version & 0xFFFFF : null;
}

/// <summary>A freshness figure at one poll, for the chart.</summary>
public sealed record FreshnessPoint(DateTime At, double Freshness);

/// <summary>
/// The whole network at one poll: the nodes in display order, the who-knows-what matrix and its freshness,
/// worked out once when the poll ends so a page can read every cell cheaply.
/// </summary>
public sealed class NetworkSnapshot
{
    public static NetworkSnapshot Empty { get; } = new(null, []);

    private readonly Dictionary<string, long> _current;
    private readonly Dictionary<string, string> _names;

    public NetworkSnapshot(DateTime? at, IEnumerable<NodeInfo> nodes, IEnumerable<FreshnessPoint>? earlierFreshness = null)
    {
        At = at;
        Nodes = [.. InDisplayOrder(nodes)];
        Reachable = [.. Nodes.Where(n => n.Reachable)];
        Origins = [.. Reachable.Select(n => n.Id).Distinct(StringComparer.Ordinal)];
        _current = Reachable.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(n => n.Version), StringComparer.Ordinal);
        _names = [];
        foreach (var node in Nodes.Where(n => n.ResourceName is not null))
        {
            _names.TryAdd(node.Id, node.ResourceName!);
        }

        Freshness = ComputeFreshness();
        FreshnessHistory = [.. earlierFreshness ?? [], .. Freshness is { } now && at is { } time ? [new FreshnessPoint(time, now)] : Array.Empty<FreshnessPoint>()];
    }

    /// <summary>When the poll ended; null before the first.</summary>
    public DateTime? At { get; }

    /// <summary>Every node the Lab watches, reachable or not, in display order.</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IReadOnlyList<NodeInfo> Reachable { get; }

    /// <summary>The matrix's columns: the id of every reachable node, in the rows' order.</summary>
    public IReadOnlyList<string> Origins { get; }

    /// <summary>Share of (observer, origin) pairs where the observer holds the origin's current version; null with no nodes.</summary>
    public double? Freshness { get; }

    /// <summary>The freshness of earlier polls and of this one, oldest first.</summary>
    public IReadOnlyList<FreshnessPoint> FreshnessHistory { get; }

    /// <summary>The version an origin holds of itself: the truth every cell is compared with.</summary>
    public long? CurrentVersion(string origin) => _current.TryGetValue(origin, out var version) ? version : null;

    public MatrixCell Cell(NodeInfo observer, string origin)
    {
        var current = CurrentVersion(origin);
        return observer.World.TryGetValue(origin, out var entry)
            ? new MatrixCell(observer.Id, origin, entry.Version, entry.Book, current)
            : new MatrixCell(observer.Id, origin, null, null, current);
    }

    /// <summary>The node's resource name when it has one, else its id.</summary>
    public string NameOf(string id) => _names.TryGetValue(id, out var name) ? name : id;

    /// <summary>A node by resource name (any case) or by id; a reachable node wins over a stale entry with the same id.</summary>
    public NodeInfo? Find(string nameOrId) =>
        Nodes.FirstOrDefault(n => n.ResourceName is not null && n.ResourceName.Equals(nameOrId, StringComparison.OrdinalIgnoreCase))
        ?? Nodes.Where(n => n.Id == nameOrId).OrderByDescending(n => n.Reachable).FirstOrDefault();

    /// <summary>
    /// Rows and columns as a person reads them: AppHost resources by name (node-2 before node-10, whatever
    /// ports they drew), then nodes known only by id, numeric ids by value, then the rest ordinally.
    /// </summary>
    public static IEnumerable<NodeInfo> InDisplayOrder(IEnumerable<NodeInfo> nodes) => nodes
        .OrderBy(n => n.ResourceName is null)
        .ThenBy(n => n.ResourceName ?? "", ResourceNameComparer.Instance)
        .ThenBy(n => long.TryParse(n.Id, out var number) ? number : long.MaxValue)
        .ThenBy(n => n.Id, StringComparer.Ordinal)
        .ThenBy(n => n.Url, StringComparer.Ordinal);

    private double? ComputeFreshness()
    {
        if (Reachable.Count == 0 || Origins.Count == 0)
        {
            return null;
        }

        var fresh = 0;
        foreach (var observer in Reachable)
        {
            foreach (var origin in Origins)
            {
                if (observer.World.TryGetValue(origin, out var entry) && entry.Version >= _current[origin])
                {
                    fresh++;
                }
            }
        }

        return (double)fresh / (Reachable.Count * Origins.Count);
    }
}
