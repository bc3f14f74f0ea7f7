using System.Globalization;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Traces : IDisposable
{
    private const int PageSize = 100;
    private PagedResult<OtlpTraceSnapshot> _traces = new([], 0);
    private IReadOnlyList<string> _resourceNames = [];
    private TimeSpan _longest;
    private Subscription? _subscription;
    private bool _paused;
    private bool _arrivedWhilePaused;

    [SupplyParameterFromQuery]
    public string? Resource { get; set; }

    [SupplyParameterFromQuery]
    public string? Name { get; set; }

    [SupplyParameterFromQuery(Name = "minDuration")]
    public string? MinDurationMs { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Traces, () => InvokeAsync(() =>
        {
            // Paused, the list holds still (rows do not move under the pointer); it only says that more came.
            if (_paused)
            {
                _arrivedWhilePaused = true;
            }
            else
            {
                Load();
            }

            StateHasChanged();
        }));
    }

    protected override void OnParametersSet() => Load();

    private void Load()
    {
        _resourceNames = [.. Repository.GetResources().Select(r => r.DisplayName)];
        TimeSpan? minDuration = double.TryParse(MinDurationMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : null;
        _traces = Repository.GetTraces(new TraceQuery(
            Resource: string.IsNullOrEmpty(Resource) ? null : Resource,
            NameContains: string.IsNullOrEmpty(Name) ? null : Name,
            MinDuration: minDuration,
            Limit: PageSize));
        _longest = _traces.Items.Count == 0 ? TimeSpan.Zero : _traces.Items.Max(t => t.Duration);
    }

    private void TogglePause()
    {
        _paused = !_paused;
        _arrivedWhilePaused = false;
        if (!_paused)
        {
            Load();
        }
    }

    private string DurationWidth(OtlpTraceSnapshot trace) =>
        (_longest <= TimeSpan.Zero ? 0 : Math.Max(1, trace.Duration / _longest * 100)).ToString("0.#", CultureInfo.InvariantCulture);

    private void SetFilter(string? resource = null, string? name = null, string? minDuration = null) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["resource"] = Empty(resource ?? Resource),
            ["name"] = Empty(name ?? Name),
            ["minDuration"] = Empty(minDuration ?? MinDurationMs),
        }));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public void Dispose() => _subscription?.Dispose();
}
