using GossipAspire.Dashboard.Components.Shared;
using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Metrics : IDisposable
{
    private const int MaxSeriesPerChart = 6;
    private IReadOnlyList<string> _resourceNames = [];
    private IReadOnlyList<OtlpInstrumentSnapshot> _instruments = [];
    private string? _resource;
    private Subscription? _subscription;

    [SupplyParameterFromQuery]
    public string? Resource { get; set; }

    [SupplyParameterFromQuery]
    public string? Filter { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Metrics, () => InvokeAsync(() =>
        {
            Load();
            StateHasChanged();
        }));
    }

    protected override void OnParametersSet() => Load();

    private void Load()
    {
        _resourceNames = [.. Repository.GetInstruments().Select(i => i.Resource.DisplayName).Distinct().Order(StringComparer.Ordinal)];
        _resource = !string.IsNullOrEmpty(Resource) && _resourceNames.Contains(Resource) ? Resource : _resourceNames.FirstOrDefault();
        _instruments = _resource is null
            ? []
            : [.. Repository.GetInstruments(_resource).Where(i => string.IsNullOrEmpty(Filter) || i.Name.Contains(Filter, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Gauges and sums plot their value; histograms their p50 / p90 / p99 (from the buckets) per series.</summary>
    private static IReadOnlyList<ChartSeries> SeriesFor(OtlpInstrumentSnapshot instrument)
    {
        var result = new List<ChartSeries>();
        foreach (var series in instrument.Series.OrderByDescending(s => s.Points.Length == 0 ? 0 : s.Points[^1].Value).Take(MaxSeriesPerChart))
        {
            var label = series.Attributes.Length == 0 ? "value" : string.Join(", ", series.Attributes.Select(a => $"{a.Key}={AttributeValues.ToDisplayString(a.Value)}"));
            if (instrument.Kind == OtlpInstrumentKind.Histogram)
            {
                foreach (var percentile in new[] { 50, 90, 99 })
                {
                    var points = series.Points
                        .Select(p => p.Percentile(percentile) is { } v ? new ChartPoint(p.Time, v) : null)
                        .OfType<ChartPoint>()
                        .ToList();
                    result.Add(new ChartSeries($"p{percentile}{(series.Attributes.Length == 0 ? "" : " " + label)}", points));
                }
            }
            else
            {
                result.Add(new ChartSeries(label, [.. series.Points.Select(p => new ChartPoint(p.Time, p.Value))]));
            }
        }

        return result.Take(MaxSeriesPerChart).ToList();
    }

    private void SelectResource(string? resource) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("resource", resource));

    private void SelectFilter(string? filter) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("filter", string.IsNullOrEmpty(filter) ? null : filter));

    public void Dispose() => _subscription?.Dispose();
}
