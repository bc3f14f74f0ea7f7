using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Propagation : IDisposable
{
    private OtlpTraceSnapshot? _trace;
    private PropagationTree? _tree;
    private Subscription? _subscription;

    [Parameter]
    public required string TraceId { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Traces, () => InvokeAsync(() =>
        {
            var latest = Repository.GetTrace(TraceId.ToLowerInvariant());
            if (latest?.Version != _trace?.Version)
            {
                Load(latest);
                StateHasChanged();
            }
        }));
    }

    protected override void OnParametersSet() => Load(Repository.GetTrace(TraceId.ToLowerInvariant()));

    private void Load(OtlpTraceSnapshot? trace)
    {
        _trace = trace;
        _tree = trace is null ? null : PropagationTree.Build(trace);
    }

    private static int Depth(PropagationHop hop)
    {
        var depth = 0;
        for (var parent = hop.Parent; parent is not null; parent = parent.Parent)
        {
            depth++;
        }

        return depth;
    }

    public void Dispose() => _subscription?.Dispose();
}
