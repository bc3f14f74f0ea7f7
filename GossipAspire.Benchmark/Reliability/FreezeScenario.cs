using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// One freeze: how long the node was frozen, how many of its peers had dropped it by then (of how many), and after
/// SIGCONT the seconds until it held every current version and until it was back in every peer list (null: not
/// within the deadline).
/// </summary>
public sealed record FreezeSample(
    string Node,
    double FrozenSeconds,
    int PicksWhileFrozen,
    int DroppedBy,
    int Peers,
    double? CaughtUpSeconds,
    double? BackInEveryListSeconds);

/// <summary>
/// A node frozen with SIGSTOP while the others go on picking, then resumed with SIGCONT (issue 9, section 4,
/// "Freeze"). Picks stop at the SIGCONT, so "every current version" stands still while it is measured.
/// </summary>
public static class FreezeScenario
{
    public static async Task<FreezeSample> RunAsync(LocalCluster cluster, int victim, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var nodes = cluster.Clients;
        var node = nodes[victim];
        var others = nodes.Where((_, i) => i != victim).ToList();
        if (await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(100), settings.Deadline, cancellationToken) is null)
        {
            throw new BenchmarkException("the nodes did not agree before the freeze");
        }

        log($"freezing node {node.Id} (SIGSTOP) for {Duration.Format(settings.FreezeFor)}{(settings.FreezeUntilDropped ? " and until every peer dropped it" : "")}; the others pick every {Duration.Format(settings.PickEvery)}");
        cluster.Freeze(victim);
        var frozenAt = DateTimeOffset.UtcNow;
        PickRun picks;
        int droppedBy;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var picking = PickDriver.RunAsync(others, settings.PickEvery, stop.Token, cancellationToken);
            try
            {
                droppedBy = await WaitWhileFrozenAsync(others, node.Id, frozenAt, settings, cancellationToken);
            }
            finally
            {
                await stop.CancelAsync();
                picks = await picking;
            }
        }

        var frozenSeconds = (DateTimeOffset.UtcNow - frozenAt).TotalSeconds;
        cluster.Resume(victim);
        var resumedAt = DateTimeOffset.UtcNow;
        log(string.Create(CultureInfo.InvariantCulture, $"resumed node {node.Id} (SIGCONT) after {frozenSeconds:0.0} s and {picks.Attempted} picks elsewhere; {droppedBy} of {others.Count} peers had dropped it"));

        double? caughtUp = null;
        double? back = null;
        var end = resumedAt + settings.Deadline;
        while ((caughtUp is null || back is null) && DateTimeOffset.UtcNow < end)
        {
            if (await ClusterWatch.TryReadAsync(nodes, cancellationToken) is { } seen)
            {
                var state = seen.States[victim];
                var peerStates = seen.States.Where((_, i) => i != victim).ToList();
                if (caughtUp is null && ClusterWatch.Holds(state, peerStates))
                {
                    caughtUp = ClusterWatch.SecondsSince(resumedAt, ClusterWatch.LastLearned([state], peerStates));
                }

                if (back is null && peerStates.All(s => s.Peers?.Contains(node.Id) == true))
                {
                    back = (seen.At - resumedAt).TotalSeconds;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        var sample = new FreezeSample(node.Id, Math.Round(frozenSeconds, 3), picks.Attempted, droppedBy, others.Count, FigureText.Round(caughtUp), FigureText.Round(back));
        log($"node {node.Id}: holds every current version {FigureText.Seconds(sample.CaughtUpSeconds)} after SIGCONT, back in every peer list {FigureText.Seconds(sample.BackInEveryListSeconds)} after it");
        return sample;
    }

    /// <summary>Waits out the freeze (and, if asked, until every peer dropped the node); answers how many had.</summary>
    private static async Task<int> WaitWhileFrozenAsync(IReadOnlyList<NodeClient> others, string victim, DateTimeOffset frozenAt, ReliabilitySettings settings, CancellationToken cancellationToken)
    {
        var droppedBy = 0;
        while (true)
        {
            if (await ClusterWatch.TryReadAsync(others, cancellationToken) is { } seen)
            {
                droppedBy = seen.States.Count(s => s.Peers?.Contains(victim) != true);
            }

            var elapsed = DateTimeOffset.UtcNow - frozenAt;
            var waitedEnough = elapsed >= settings.FreezeFor && (!settings.FreezeUntilDropped || droppedBy == others.Count);
            if (waitedEnough || elapsed >= settings.FreezeFor + settings.Deadline)
            {
                return droppedBy;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
