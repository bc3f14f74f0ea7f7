using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Lab.Components.Pages;

public partial class Change
{
    private PropagationTree? _tree;

    [Parameter]
    public required string Id { get; set; }

    protected override void Load() =>
        _tree = ChangeLog.IsWellFormedId(Id) && Changes.Find(Id) is { } change ? PropagationTree.Build(change, Network) : null;
}
