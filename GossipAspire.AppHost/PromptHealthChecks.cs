using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GossipAspire.AppHost;

/// <summary>
/// Aspire probes a starting resource's health check at once and then 1, 2, 3, 4 and 5 s apart, so a node that
/// starts answering just after a probe is seen as healthy up to 5 s late (on two busy cores, most are). Any
/// update of a resource wakes Aspire's monitor for it early. This watches each starting node's <c>/health</c>
/// itself, every 100 ms, and publishes an update the moment it answers, so Aspire's own check runs again
/// right then. Aspire's check still decides what is healthy.
/// </summary>
internal static partial class PromptHealthChecks
{
    private const string Property = "gossip.health.answering";

    public static void WatchStarting(IDistributedApplicationBuilder builder, IReadOnlyList<IResourceBuilder<IResourceWithEndpoints>> resources)
    {
        var names = resources.ToDictionary(r => r.Resource.Name, r => r.Resource.GetEndpoint("http"), StringComparer.Ordinal);
        builder.Services.AddHostedService(services => new Watcher(
            services.GetRequiredService<ResourceNotificationService>(),
            services.GetRequiredService<ILogger<Watcher>>(),
            names));
    }

    private sealed partial class Watcher(ResourceNotificationService notifications, ILogger<Watcher> logger, IReadOnlyDictionary<string, EndpointReference> endpoints) : BackgroundService
    {
        private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan s_giveUp = TimeSpan.FromSeconds(120);

        private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        private readonly ConcurrentDictionary<string, string> _watching = new(StringComparer.Ordinal);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                await foreach (var update in notifications.WatchAsync(stoppingToken))
                {
                    if (!endpoints.TryGetValue(update.Resource.Name, out var endpoint)
                        || update.Snapshot.State?.Text != KnownResourceStates.Running
                        || update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                    {
                        continue;
                    }

                    // One watch per run of the resource (a restart is a new run with a new start time).
                    var run = update.Snapshot.StartTimeStamp?.ToString("O") ?? "";
                    if (_watching.TryGetValue(update.ResourceId, out var watched) && watched == run)
                    {
                        continue;
                    }

                    _watching[update.ResourceId] = run;
                    _ = WatchAsync(update.Resource, endpoint, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }

        private async Task WatchAsync(IResource resource, EndpointReference endpoint, CancellationToken stoppingToken)
        {
            try
            {
                var health = new Uri(new Uri(endpoint.Url), "/health");
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                deadline.CancelAfter(s_giveUp);
                using var timer = new PeriodicTimer(s_interval);
                while (await timer.WaitForNextTickAsync(deadline.Token))
                {
                    try
                    {
                        using var response = await _http.GetAsync(health, deadline.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            await notifications.PublishUpdateAsync(resource, s => s with
                            {
                                Properties = [.. s.Properties.Where(p => p.Name != Property), new(Property, DateTime.UtcNow.ToString("O"))],
                            });
                            return;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                    catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                    {
                        // Too busy starting to answer within the second; ask again.
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogWatchFailed(logger, resource.Name, ex);
            }
        }

        public override void Dispose()
        {
            _http.Dispose();
            base.Dispose();
        }

        [LoggerMessage(Level = LogLevel.Debug, Message = "Watching {Resource}'s /health for a prompt health check failed")]
        private static partial void LogWatchFailed(ILogger logger, string resource, Exception exception);
    }
}
