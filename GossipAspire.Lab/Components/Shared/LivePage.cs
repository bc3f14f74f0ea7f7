using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Monitoring;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Lab.Components.Shared;

/// <summary>
/// A page that follows the network: it loads what it shows from the latest poll, and loads it again after each
/// poll (throttled by the monitor's subscription), on the circuit's dispatcher through <c>InvokeAsync</c>.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private Subscription? _subscription;

    [Inject]
    public required NetworkMonitor Monitor { get; init; }

    [Inject]
    public required ChangeLog Changes { get; init; }

    [Inject]
    public required TraceLinks TraceLinks { get; init; }

    protected NetworkSnapshot Network { get; private set; } = NetworkSnapshot.Empty;

    /// <summary>Works out what the page shows from <see cref="Network"/> and <see cref="Changes"/>.</summary>
    protected abstract void Load();

    protected override void OnInitialized()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(() =>
        {
            Network = Monitor.Snapshot;
            Load();
            StateHasChanged();
        }));
    }

    protected override void OnParametersSet()
    {
        Network = Monitor.Snapshot;
        Load();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
