using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// One kill and restart: seconds from the new launch to its /health answering and to its holding every current
/// version, and its next pick: whether it outranked what it said before the kill and reached every node, and how fast.
/// </summary>
public sealed record RestartSample(
    string Node,
    int PicksWhileDown,
    double StartSeconds,
    double? CaughtUpSeconds,
    long VersionBefore,
    long NextVersion,
    bool NextPickWins,
    double? NextPickSpreadSeconds);

/// <summary>
/// A node killed with SIGKILL while the others pick, restarted on the same port with nothing on disk (issue 9,
/// section 4, "Kill and restart"): it must catch up, and its next pick must win everywhere.
/// </summary>
public static class RestartScenario
{
    public static async Task<RestartSample> RunAsync(LocalCluster cluster, int victim, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var nodes = cluster.Clients;
        var node = nodes[victim];
        var others = nodes.Where((_, i) => i != victim).ToList();
        var before = await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(100), settings.Deadline, cancellationToken)
            ?? throw new BenchmarkException("the nodes did not agree before the kill");
        var versionBefore = before.States[victim].Version;

        log($"kill -9 node {node.Id}; the others pick every {Duration.Format(settings.PickEvery)} for {Duration.Format(settings.DownFor)}");
        await cluster.KillAsync(victim);
        var picks = await PickDriver.RunForAsync(others, settings.PickEvery, settings.DownFor, cancellationToken);

        var launched = DateTimeOffset.UtcNow;
        var healthyAt = await cluster.RestartAsync(victim, cancellationToken);
        var startSeconds = (healthyAt - launched).TotalSeconds;
        var caught = await ClusterWatch.UntilAsync(
            nodes, states => ClusterWatch.Holds(states[victim], states), TimeSpan.FromMilliseconds(50), settings.Deadline, cancellationToken);
        double? caughtUp = caught is null ? null : ClusterWatch.SecondsSince(launched, ClusterWatch.LastLearned([caught.States[victim]], caught.States));

        var next = await node.PickAsync(null, cancellationToken);
        var everywhere = await ClusterWatch.UntilAsync(
            nodes,
            states => states.All(s => s.Id == node.Id || (s.World?.TryGetValue(node.Id, out var held) == true && held.Version >= next.Version)),
            TimeSpan.FromMilliseconds(50),
            settings.Deadline,
            cancellationToken);
        double? spread = null;
        var wins = false;
        if (everywhere is not null)
        {
            var origin = everywhere.States[victim];
            wins = next.Version > versionBefore && everywhere.States.All(s => s.Id == node.Id || s.World![node.Id].Version == next.Version);
            spread = origin.World?[node.Id].PickedAt is { } pickedAt
                ? ClusterWatch.SecondsSince(pickedAt, ClusterWatch.LastLearned(everywhere.States, [origin]))
                : null;
        }

        var sample = new RestartSample(
            node.Id, picks.Attempted, Math.Round(startSeconds, 3), FigureText.Round(caughtUp), versionBefore, next.Version, wins, FigureText.Round(spread));
        log(string.Create(CultureInfo.InvariantCulture,
            $"node {node.Id}: healthy {startSeconds:0.000} s after launch, holds every current version {FigureText.Seconds(sample.CaughtUpSeconds)} after launch; its next pick v{next.Version} (before the kill v{versionBefore}) {(wins ? "won everywhere" : "did NOT win everywhere")} in {FigureText.Seconds(sample.NextPickSpreadSeconds)}"));
        return sample;
    }
}
