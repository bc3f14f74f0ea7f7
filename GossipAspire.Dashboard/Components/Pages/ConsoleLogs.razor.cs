using Grpc.Core;
using GossipAspire.Dashboard.Resources;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class ConsoleLogs : IDisposable
{
    private const int MaxLines = 10_000;
    private readonly List<ConsoleLine> _lines = [];
    private CancellationTokenSource? _watch;
    private string? _watching;
    private string? _error;
    private int _dropped;

    [Parameter]
    public string? ResourceName { get; set; }

    [Inject]
    public required ResourceServiceClient ResourceService { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override void OnParametersSet()
    {
        if (ResourceName == _watching || !ResourceService.IsConfigured)
        {
            return;
        }

        _watch?.Cancel();
        _watch?.Dispose();
        _lines.Clear();
        _dropped = 0;
        _error = null;
        _watching = ResourceName;
        if (string.IsNullOrEmpty(ResourceName))
        {
            return;
        }

        _watch = new CancellationTokenSource();
        _ = WatchAsync(ResourceName, _watch.Token);
    }

    private async Task WatchAsync(string resourceName, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in ResourceService.WatchConsoleLogsAsync(resourceName, cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    _lines.AddRange(batch);
                    if (_lines.Count > MaxLines)
                    {
                        _dropped += _lines.Count - MaxLines;
                        _lines.RemoveRange(0, _lines.Count - MaxLines);
                    }

                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away between a batch arriving and its render.
        }
        catch (RpcException ex)
        {
            await InvokeAsync(() =>
            {
                _error = $"The console log stream for {resourceName} stopped: {ex.StatusCode} {ex.Status.Detail}";
                StateHasChanged();
            });
        }
    }

    private void SelectResource(ChangeEventArgs args) =>
        Navigation.NavigateTo(string.IsNullOrEmpty(args.Value as string) ? "consolelogs" : $"consolelogs/{Uri.EscapeDataString((string)args.Value!)}");

    public void Dispose()
    {
        _watch?.Cancel();
        _watch?.Dispose();
    }
}
