using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// One start of N nodes at once: seconds from the first launch to the last node answering /health; from that moment
/// to the last node announcing its starting book (its join done), and to every node holding every node's current
/// version (null: not within the deadline; 0: before the last /health answer); and of the (observer, origin) pairs,
/// how many came by a digest exchange (a join's pull of its seed's world, or an anti-entropy round) rather than a push.
/// </summary>
public sealed record StartupSample(double LastHealthySeconds, double? LastAnnouncedSeconds, double? AgreeSeconds, int Pairs, int PairsByRepair);

/// <summary>
/// N nodes launched together, each seeded with the one before it, as the AppHost launches them (issue 9, section 4,
/// "Start-up"): each node's starting book must spread as soon as it has joined, not through anti-entropy.
/// </summary>
public static class StartupScenario
{
    public static async Task<StartupSample> RunAsync(NodeCommand command, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var launched = DateTimeOffset.UtcNow;
        await using var cluster = await LocalCluster.StartAsync(command, settings.Cluster(together: true), log, cancellationToken);
        var nodes = cluster.Clients;
        var lastHealthy = cluster.HealthyAt.Values.Max();
        var agreed = await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(200), settings.Deadline, cancellationToken);
        double? agree = null;
        double? announced = null;
        var pairs = nodes.Count * (nodes.Count - 1);
        var byRepair = 0;
        if (agreed is not null)
        {
            agree = ClusterWatch.SecondsSince(lastHealthy, ClusterWatch.LastLearned(agreed.States, agreed.States));
            var lastPick = agreed.States.Max(s => s.World?.GetValueOrDefault(s.Id)?.PickedAt);
            var last = agreed.States
                .SelectMany(o => (o.World ?? new Dictionary<string, WorldEntry>()).Where(w => w.Key != o.Id).Select(w => (Observer: o.Id, Origin: w.Key, w.Value.ReceivedAt)))
                .MaxBy(p => p.ReceivedAt);
            log(string.Create(CultureInfo.InvariantCulture, $"start-up: the last pair to agree: node {last.Observer} learned node {last.Origin}'s book at {(last.ReceivedAt - lastHealthy)?.TotalSeconds:+0.000;-0.000} s from the last /health; healthy at {string.Join(", ", cluster.HealthyAt.OrderBy(h => h.Value).Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key}:{(h.Value - lastHealthy).TotalSeconds:+0.00;-0.00}")))}"));
            announced = lastPick is { } at ? (at - lastHealthy).TotalSeconds : null;
            var current = agreed.States.ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                var (events, _) = await node.GetHistoryAsync(0, cancellationToken);
                byRepair += events.Count(e => e.Origin != node.Id && e.Repair == true && current.GetValueOrDefault(e.Origin) == e.Version);
            }
        }

        foreach (var casualty in cluster.Casualties())
        {
            log(casualty);
        }

        var sample = new StartupSample(Math.Round((lastHealthy - launched).TotalSeconds, 3), FigureText.Round(announced), FigureText.Round(agree), pairs, byRepair);
        log(string.Create(CultureInfo.InvariantCulture,
            $"start-up: last of {nodes.Count} nodes healthy {sample.LastHealthySeconds:0.00} s after the first launch; the last announcement {sample.LastAnnouncedSeconds:+0.000;-0.000} s from it; all agree {FigureText.Seconds(sample.AgreeSeconds)} after it; {byRepair} of {pairs} pairs came by digest exchange"));
        return sample;
    }
}
