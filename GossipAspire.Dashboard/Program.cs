using GossipAspire.Dashboard.Hosting;

namespace GossipAspire.Dashboard;

/// <summary>
/// The GossipAspire dashboard: OTLP receiver (gRPC + HTTP), resources, logs, traces, metrics and the gossip
/// views. Everything is wired in <see cref="DashboardWebApplication"/>, so the tests start exactly this app.
/// (A named class rather than top-level statements: the tests reference the node too, and two global
/// <c>Program</c> classes would collide.)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var app = DashboardWebApplication.Create(args);
        return await app.RunDashboardAsync();
    }
}
