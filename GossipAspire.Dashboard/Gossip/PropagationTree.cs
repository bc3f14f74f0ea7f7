using GossipAspire.Dashboard.Otlp.Model;

namespace GossipAspire.Dashboard.Gossip;

/// <summary>One hop of a book change: the span on one node, with how long after its sender and the origin it came.</summary>
public sealed class PropagationHop
{
    public required OtlpSpan Span { get; init; }

    public required string Node { get; init; }

    /// <summary>gossip.hop when the node wrote it, else the depth in the tree.</summary>
    public required int Hop { get; set; }

    public required bool Duplicate { get; init; }

    public PropagationHop? Parent { get; set; }

    public List<PropagationHop> Children { get; } = [];

    /// <summary>From the sending hop's span start to this span's start.</summary>
    public TimeSpan? DelayFromParent => Parent is null ? null : Span.StartTime - Parent.Span.StartTime;

    public TimeSpan DelayFromRoot { get; set; }

    public long? Ttl => GossipAttributes.AsLong(Span.GetAttribute(GossipAttributes.Ttl));
}

/// <summary>
/// The spread of one book change, read from its trace: the hops are the spans that carry gossip.* attributes
/// (the pick on the origin, a receive on each node), and a hop's parent is the nearest gossip span above it
/// (HTTP client and server spans in between are skipped). Duplicates are kept as leaves, marked.
/// </summary>
public sealed class PropagationTree
{
    private PropagationTree(OtlpTraceSnapshot trace, PropagationHop root, List<PropagationHop> hops)
    {
        Trace = trace;
        Root = root;
        Hops = hops;
    }

    public OtlpTraceSnapshot Trace { get; }

    public PropagationHop Root { get; }

    public IReadOnlyList<PropagationHop> Hops { get; }

    public string? Origin => AttributeValues.ToDisplayString(Root.Span.GetAttribute(GossipAttributes.Origin)) is { Length: > 0 } origin ? origin : null;

    public long? Version => GossipAttributes.AsLong(Root.Span.GetAttribute(GossipAttributes.Version));

    public string? Book => Root.Span.GetAttribute(GossipAttributes.Book) as string;

    /// <summary>Distinct nodes that got the change (not counting duplicates twice).</summary>
    public int NodesReached => Hops.Where(h => !h.Duplicate).Select(h => h.Node).Distinct().Count();

    public int DuplicateCount => Hops.Count(h => h.Duplicate);

    public int MaxHop => Hops.Max(h => h.Hop);

    /// <summary>The time from the pick to the last node's first receive.</summary>
    public TimeSpan TimeToLastNode => Hops.Where(h => !h.Duplicate).Max(h => h.DelayFromRoot);

    public static bool IsGossipSpan(OtlpSpan span) => span.Attributes.Any(a => a.Key.StartsWith(GossipAttributes.Prefix, StringComparison.Ordinal));

    public static PropagationTree? Build(OtlpTraceSnapshot trace)
    {
        var byId = trace.Spans.ToDictionary(s => s.SpanId);
        var hops = new Dictionary<string, PropagationHop>();
        foreach (var span in trace.Spans.Where(IsGossipSpan))
        {
            hops[span.SpanId] = new PropagationHop
            {
                Span = span,
                Node = NodeName(span),
                Hop = (int)(GossipAttributes.AsLong(span.GetAttribute(GossipAttributes.Hop)) ?? -1),
                Duplicate = GossipAttributes.AsBool(span.GetAttribute(GossipAttributes.Duplicate)),
            };
        }

        if (hops.Count == 0)
        {
            return null;
        }

        foreach (var hop in hops.Values)
        {
            var parentId = hop.Span.ParentSpanId;
            while (parentId.Length > 0)
            {
                if (hops.TryGetValue(parentId, out var parent))
                {
                    hop.Parent = parent;
                    parent.Children.Add(hop);
                    break;
                }

                parentId = byId.TryGetValue(parentId, out var between) ? between.ParentSpanId : "";
            }
        }

        var roots = hops.Values.Where(h => h.Parent is null).OrderBy(h => h.Span.StartTime).ToList();
        var root = roots[0];

        // Hops whose parent span never arrived hang off the root, so nothing is hidden.
        foreach (var orphan in roots.Skip(1))
        {
            orphan.Parent = root;
            root.Children.Add(orphan);
        }

        var ordered = new List<PropagationHop>();
        void Walk(PropagationHop hop, int depth)
        {
            hop.DelayFromRoot = hop.Span.StartTime - root.Span.StartTime;
            if (hop.Hop < 0)
            {
                hop.Hop = depth;
            }

            ordered.Add(hop);
            hop.Children.Sort((a, b) => a.Span.StartTime.CompareTo(b.Span.StartTime));
            foreach (var child in hop.Children)
            {
                Walk(child, depth + 1);
            }
        }

        Walk(root, 0);
        return new PropagationTree(trace, root, ordered);
    }

    public static string NodeName(OtlpSpan span) =>
        span.GetAttribute(GossipAttributes.Node) is { } node ? AttributeValues.ToDisplayString(node) : span.Resource.DisplayName;
}
