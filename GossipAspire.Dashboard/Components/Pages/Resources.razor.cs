using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Dashboard.Resources;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Resources : IDisposable
{
    private readonly HashSet<string> _running = [];
    private IReadOnlyList<ResourceViewModel> _resources = [];
    private Subscription? _subscription;
    private string? _message;
    private bool _messageIsError;

    [Inject]
    public required ResourceCatalog Catalog { get; init; }

    [Inject]
    public required ResourceServiceClient ResourceService { get; init; }

    protected override void OnInitialized()
    {
        _resources = Catalog.GetResources();
        _subscription = Catalog.Subscribe(() => InvokeAsync(() =>
        {
            _resources = Catalog.GetResources();
            StateHasChanged();
        }));
    }

    private async Task ExecuteAsync(string resourceName, string commandName)
    {
        _running.Add(resourceName);
        _message = $"{commandName} {resourceName}...";
        _messageIsError = false;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var result = await ResourceService.ExecuteCommandAsync(resourceName, commandName, cts.Token);
            _message = result.Succeeded ? $"{commandName} {resourceName}: done" : $"{commandName} {resourceName} failed: {result.ErrorMessage}";
            _messageIsError = !result.Succeeded;
        }
        finally
        {
            _running.Remove(resourceName);
            _resources = Catalog.GetResources();
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
