using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Components.Shared;

namespace GossipAspire.Lab.Components.Pages;

public partial class Changes
{
    private const int Shown = 200;
    private IReadOnlyList<ChangeRecord> _changes = [];

    protected override void Load() => _changes = Changes.Recent(Shown);

    /// <summary>The origin holds a newer pick: nodes this change did not reach may have skipped it for that one.</summary>
    private bool Superseded(ChangeRecord change) => Network.CurrentVersion(change.Origin) > change.Version;
}
