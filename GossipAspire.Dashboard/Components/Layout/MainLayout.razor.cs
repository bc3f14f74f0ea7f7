using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Components.Layout;

public partial class MainLayout
{
    [Inject]
    public required ResourceServiceClient ResourceService { get; init; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; init; }

    private bool _interactive;

    /// <summary>
    /// Runs only once the page's circuit is live (never while prerendering), so <c>data-interactive="true"</c>
    /// tells people and browser tests that clicks and filters now work.
    /// </summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _interactive = true;
            StateHasChanged();
        }
    }

    private string ApplicationName => ResourceService.ApplicationName is { Length: > 0 } name ? name : Options.Value.ApplicationName;
}
