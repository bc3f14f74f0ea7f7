using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Model;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Propagation
{
    private PropagationTree? _tree;

    protected override void OnTraceLoaded(OtlpTraceSnapshot? trace) =>
        _tree = trace is null ? null : PropagationTree.Build(trace);

    private static int Depth(PropagationHop hop)
    {
        var depth = 0;
        for (var parent = hop.Parent; parent is not null; parent = parent.Parent)
        {
            depth++;
        }

        return depth;
    }
}
