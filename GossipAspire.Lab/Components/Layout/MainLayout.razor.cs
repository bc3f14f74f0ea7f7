using GossipAspire.Lab.Components.Shared;
using GossipAspire.Lab.Monitoring;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Lab.Components.Layout;

public partial class MainLayout
{
    private bool _interactive;
    private NetworkSnapshot _network = NetworkSnapshot.Empty;
    private Subscription? _subscription;

    [Inject]
    public required NetworkMonitor Monitor { get; init; }

    protected override void OnInitialized()
    {
        _network = Monitor.Snapshot;
        _subscription = Monitor.Subscribe(() => InvokeAsync(() =>
        {
            // The nav lists the nodes: redraw only when the set or their state changed.
            var latest = Monitor.Snapshot;
            if (!SameNodes(latest, _network))
            {
                _network = latest;
                StateHasChanged();
            }
            else
            {
                _network = latest;
            }
        }));
    }

    /// <summary>
    /// Runs only once the page's circuit is live (never while prerendering), so <c>data-interactive="true"</c>
    /// tells people and browser tests that clicks now work.
    /// </summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private string PollTitle => _network.At is { } at ? $"last poll {Format.Time(at)}" : "not polled yet";

    private static bool SameNodes(NetworkSnapshot a, NetworkSnapshot b) =>
        a.Nodes.Select(n => (n.Name, n.Reachable)).SequenceEqual(b.Nodes.Select(n => (n.Name, n.Reachable)));

    public void Dispose() => _subscription?.Dispose();
}
