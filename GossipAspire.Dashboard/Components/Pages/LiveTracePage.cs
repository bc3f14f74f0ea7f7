using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

/// <summary>
/// A page about one trace (its waterfall, the spread of its change). It loads the trace named by the route,
/// and loads it again whenever that trace changes in the store: a live trace keeps gaining spans while the page
/// is open. Changes to other traces are ignored.
/// </summary>
public abstract class LiveTracePage : ComponentBase, IDisposable
{
    private Subscription? _subscription;

    [Parameter]
    public required string TraceId { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    /// <summary>The trace as last loaded; null while the store does not hold it.</summary>
    protected OtlpTraceSnapshot? Trace { get; private set; }

    /// <summary>Works out what the page shows of a newly loaded trace (null when there is none).</summary>
    protected abstract void OnTraceLoaded(OtlpTraceSnapshot? trace);

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Traces, () => InvokeAsync(() =>
        {
            var latest = Repository.GetTrace(TraceId.ToLowerInvariant());
            if (latest?.Version != Trace?.Version)
            {
                Load(latest);
                StateHasChanged();
            }
        }));
    }

    protected override void OnParametersSet() => Load(Repository.GetTrace(TraceId.ToLowerInvariant()));

    private void Load(OtlpTraceSnapshot? trace)
    {
        Trace = trace;
        OnTraceLoaded(trace);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
