using System.Globalization;
using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Components.Shared;
using GossipAspire.Lab.Monitoring;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Lab.Components.Pages;

public partial class Node
{
    private const int HistoryShown = 30;
    private NodeInfo? _node;
    private IReadOnlyList<(ChangeRecord Change, Receipt Receipt)> _receipts = [];

    [Parameter]
    public required string Name { get; set; }

    protected override void Load()
    {
        _node = Network.Find(Name);
        _receipts = _node is null ? [] : Changes.ReceiptsOf(_node.Id, HistoryShown);
    }

    /// <summary>Origins in the matrix's order: watched nodes first (resource order), then the rest.</summary>
    private int Order(string origin)
    {
        for (var i = 0; i < Network.Nodes.Count; i++)
        {
            if (Network.Nodes[i].Id == origin)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static string HistoryText(NodeInfo node) => node.History switch
    {
        HistoryAvailability.Reading => node.HistoryEventsMissed > 0 ? $"read every poll; {node.HistoryEventsMissed} events were evicted before the Lab read them" : "read every poll",
        HistoryAvailability.NotSupported => "none: this node has no /history/ (an older node), so its changes cannot be traced",
        HistoryAvailability.Failing => $"failing: {node.HistoryError}",
        _ => "not read yet",
    };
}
