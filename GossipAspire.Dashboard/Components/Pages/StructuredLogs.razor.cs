using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class StructuredLogs : IDisposable
{
    private PagedResult<OtlpLogEntry> _logs = new([], 0);
    private IReadOnlyList<string> _resourceNames = [];
    private OtlpLogEntry? _selected;
    private Subscription? _subscription;

    [SupplyParameterFromQuery]
    public string? Resource { get; set; }

    [SupplyParameterFromQuery]
    public string? Level { get; set; }

    [SupplyParameterFromQuery]
    public string? Text { get; set; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Repository.Subscribe(TelemetryKind.Logs, () => InvokeAsync(() =>
        {
            Load();
            StateHasChanged();
        }));
    }

    protected override void OnParametersSet() => Load();

    private void Load()
    {
        _resourceNames = [.. Repository.GetResources().Select(r => r.DisplayName)];
        var level = Enum.TryParse<OtlpLogLevel>(Level, out var parsed) ? parsed : (OtlpLogLevel?)null;
        _logs = Repository.GetLogs(new LogQuery(Resource: NullIfEmpty(Resource), MinLevel: level, Text: NullIfEmpty(Text), Limit: 500));
    }

    private void SetFilter(string? resource = null, string? level = null, string? text = null) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["resource"] = NullIfEmpty(resource ?? Resource),
            ["level"] = NullIfEmpty(level ?? Level),
            ["text"] = NullIfEmpty(text ?? Text),
        }));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public void Dispose() => _subscription?.Dispose();
}
