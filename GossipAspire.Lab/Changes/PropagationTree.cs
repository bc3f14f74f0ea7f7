using GossipAspire.Lab.Monitoring;

namespace GossipAspire.Lab.Changes;

/// <summary>One node in the propagation tree of a change: where its first copy came from and how long it took.</summary>
public sealed class TreeNode
{
    public required string Node { get; init; }

    public required string Name { get; init; }

    /// <summary>The node's receipt; null for an origin whose own history the Lab has not read.</summary>
    public Receipt? Receipt { get; init; }

    public TreeNode? Parent { get; internal set; }

    public List<TreeNode> Children { get; } = [];

    public int Depth { get; internal set; }

    /// <summary>The hops the first copy travelled: the node's own count, else the depth in the tree.</summary>
    public int Hop => Receipt?.Hop ?? Depth;

    /// <summary>
    /// True when the node named a sender the tree does not hold (a node the Lab does not watch, or one without
    /// <c>/history/</c>), or named none: it hangs under the origin, and <see cref="Receipt"/>'s From says who sent it.
    /// </summary>
    public bool SenderUnknown { get; internal set; }

    /// <summary>From the sender's first copy to this node's.</summary>
    public TimeSpan? AfterSender { get; internal set; }

    /// <summary>From the pick on the origin to this node's first copy.</summary>
    public TimeSpan? AfterPick { get; internal set; }

    public int Duplicates => Receipt?.Duplicates ?? 0;

    public bool Repair => Receipt?.Repair ?? false;
}

/// <summary>A node the Lab watches that has no receipt of the change, and why.</summary>
public sealed record MissingNode(string Node, string Name, string Reason);

/// <summary>
/// The spread of one book change, built from the nodes' history events: the root is the origin, and each node
/// hangs under the peer it names in <c>from</c> (the one that delivered its first copy). A node whose sender
/// the tree does not hold, or that names none, hangs under the origin, marked. Nodes the Lab watches that have
/// no copy yet are listed apart, with the reason.
/// </summary>
public sealed class PropagationTree
{
    private PropagationTree(ChangeRecord change, TreeNode root, List<TreeNode> nodes, List<MissingNode> missing, int nodesKnown)
    {
        Change = change;
        Root = root;
        Nodes = nodes;
        Missing = missing;
        NodesKnown = nodesKnown;
    }

    public ChangeRecord Change { get; }

    public TreeNode Root { get; }

    /// <summary>Every node of the tree, depth first, children in the order their copies arrived.</summary>
    public IReadOnlyList<TreeNode> Nodes { get; }

    public IReadOnlyList<MissingNode> Missing { get; }

    /// <summary>Nodes that hold the change (a receipt each).</summary>
    public int NodesReached => Nodes.Count(n => n.Receipt is not null);

    /// <summary>Nodes reached plus the watched nodes that have not got it.</summary>
    public int NodesKnown { get; }

    public int Duplicates => Nodes.Sum(n => n.Duplicates);

    public int MaxHop => Nodes.Count == 0 ? 0 : Nodes.Max(n => n.Hop);

    public static PropagationTree Build(ChangeRecord change, NetworkSnapshot network)
    {
        var byNode = new Dictionary<string, TreeNode>(StringComparer.Ordinal);
        foreach (var receipt in change.Receipts)
        {
            byNode[receipt.Node] = new TreeNode { Node = receipt.Node, Name = network.NameOf(receipt.Node), Receipt = receipt };
        }

        if (!byNode.TryGetValue(change.Origin, out var root))
        {
            root = new TreeNode { Node = change.Origin, Name = network.NameOf(change.Origin) };
            byNode[change.Origin] = root;
        }

        // Each node under its sender. A node's first copy always came from one sender, so the links form a
        // tree; the walk below still copes with a cycle or a gap in the data by hanging the rest under the root.
        foreach (var node in byNode.Values.Where(n => n != root))
        {
            var from = node.Receipt!.From;
            if (from is not null && from != node.Node && byNode.TryGetValue(from, out var sender))
            {
                node.Parent = sender;
            }
            else
            {
                node.Parent = root;
                node.SenderUnknown = from != change.Origin;
            }
        }

        var ordered = new List<TreeNode>();
        var visited = new HashSet<TreeNode>();
        foreach (var node in byNode.Values)
        {
            node.Children.Clear();
        }

        foreach (var node in byNode.Values.Where(n => n != root))
        {
            node.Parent!.Children.Add(node);
        }

        Walk(root, 0);
        // Whatever the walk did not reach sits on a cycle of "from" links: cut it loose under the root.
        foreach (var stray in byNode.Values.Where(n => !visited.Contains(n)).OrderBy(n => n.Receipt?.ReceivedAt).ToList())
        {
            if (visited.Contains(stray))
            {
                continue;
            }

            stray.Parent!.Children.Remove(stray);
            stray.Parent = root;
            stray.SenderUnknown = true;
            root.Children.Add(stray);
            Walk(stray, 1);
        }

        foreach (var node in ordered)
        {
            var received = node.Receipt?.ReceivedAt;
            node.AfterPick = received - change.PickedAt;
            node.AfterSender = node.Parent is null || node.SenderUnknown ? null : received - node.Parent.Receipt?.ReceivedAt;
        }

        var missing = new List<MissingNode>();
        foreach (var node in network.Nodes.DistinctBy(n => n.Id))
        {
            if (!byNode.TryGetValue(node.Id, out var inTree) || inTree.Receipt is null)
            {
                missing.Add(new MissingNode(node.Id, node.Name, WhyMissing(node, change)));
            }
        }

        return new PropagationTree(change, root, ordered, missing, byNode.Values.Count(n => n.Receipt is not null) + missing.Count);

        void Walk(TreeNode node, int depth)
        {
            if (!visited.Add(node))
            {
                return;
            }

            node.Depth = depth;
            ordered.Add(node);
            node.Children.Sort((a, b) => Nullable.Compare(a.Receipt?.ReceivedAt, b.Receipt?.ReceivedAt));
            foreach (var child in node.Children.ToList())
            {
                Walk(child, depth + 1);
            }
        }
    }

    private static string WhyMissing(NodeInfo node, ChangeRecord change)
    {
        if (!node.Reachable)
        {
            return $"not answering ({node.Error})";
        }

        var held = node.World.TryGetValue(change.Origin, out var entry) ? entry.Version : (long?)null;
        if (node.History == HistoryAvailability.NotSupported)
        {
            return held >= change.Version ? "holds it, but has no /history/ to say how it came" : "not yet (and it has no /history/)";
        }

        return held switch
        {
            { } v when v > change.Version => $"skipped it: already holds a newer pick ({v & 0xFFFFF})",
            { } v when v == change.Version => "holds it; its history event is not read yet",
            _ => "not yet",
        };
    }
}
