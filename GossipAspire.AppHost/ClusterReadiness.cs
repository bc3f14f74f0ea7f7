using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GossipAspire.AppHost;

/// <summary>
/// Says once, in the AppHost's log, when every node has first answered its health check: "All 10 nodes are
/// healthy, 6.1 s after the AppHost started". A person sees when the cluster is ready, and
/// <c>measure-startup.sh</c> times the start-up by that line.
/// </summary>
internal static class ClusterReadiness
{
    public static void LogWhenAllHealthy(IReadOnlyList<IResourceBuilder<IResource>> nodes)
    {
        var started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        var ready = new HashSet<string>(StringComparer.Ordinal);
        var said = false;
        foreach (var node in nodes)
        {
            node.OnResourceReady((resource, e, _) =>
            {
                lock (ready)
                {
                    ready.Add(resource.Name);
                    if (said || ready.Count < nodes.Count)
                    {
                        return Task.CompletedTask;
                    }

                    said = true;
                }

                var seconds = (DateTime.UtcNow - started).TotalSeconds;
                e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GossipAspire.AppHost")
                    .LogInformation("All {Count} nodes are healthy, {Seconds:0.0} s after the AppHost started.", nodes.Count, seconds);
                return Task.CompletedTask;
            });
        }
    }
}
