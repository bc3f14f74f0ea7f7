using GossipAspire.Lab.Components.Shared;
using GossipAspire.Lab.Monitoring;

namespace GossipAspire.Lab.Components.Pages;

public partial class Network
{
    protected override void Load()
    {
    }

    private string FreshnessClass => Network.Freshness switch
    {
        null => "",
        >= 1 => "all",
        >= 0.9 => "most",
        _ => "low",
    };

    private string CellTitle(MatrixCell cell) => cell.Version is null
        ? $"{Network.NameOf(cell.Observer)} has not heard of {Network.NameOf(cell.Origin)}"
        : $"{Network.NameOf(cell.Observer)} holds {cell.Origin} v{cell.Version} \"{cell.Book}\"{(cell.Fresh ? "" : $"; current is v{cell.CurrentVersion}")}";
}
