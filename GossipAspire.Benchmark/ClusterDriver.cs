using System.Diagnostics;
using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>What the driver measured over the nodes' HTTP API; processes are someone else's business.</summary>
public sealed record Measurement(
    double? ConvergenceSeconds,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    double MeasurementSeconds,
    IReadOnlyList<ChangeOutcome> Changes,
    int ChangesInWindow,
    NodeStats Traffic,
    double Freshness,
    IReadOnlyList<string> Problems,
    double? CpuSeconds = null,
    double? OtherCpuSeconds = null);

/// <summary>
/// Drives a running cluster through the tool API: waits until every node knows every node's current version,
/// makes the timed picks (or, with the nodes' own timers, waits for them), waits until every change is known
/// everywhere, and reads back traffic counters and histories. Latency and freshness come from the nodes'
/// histories afterwards, so nothing is polled while changes spread, except the settle check after the last pick.
/// </summary>
/// <param name="cpuSeconds">CPU seconds the nodes have used so far, if the caller can tell (it owns the processes).</param>
public sealed class ClusterDriver(
    IReadOnlyList<NodeClient> nodes,
    BenchmarkSettings settings,
    Action<string> log,
    TimeProvider? timeProvider = null,
    Func<double>? cpuSeconds = null)
{
    private static readonly TimeSpan s_pollEvery = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly List<string> _problems = [];

    public async Task<Measurement> MeasureAsync(CancellationToken cancellationToken)
    {
        var convergence = await WaitForConvergenceAsync(cancellationToken);
        if (settings.DrivesPicks && settings.WarmupPicks > 0)
        {
            await WarmUpAsync(cancellationToken);
        }

        var before = await GetStatesAsync(cancellationToken);
        var cpuBefore = cpuSeconds?.Invoke();
        var machineBefore = MachineCpu.BusySeconds();
        var ownBefore = MachineCpu.OwnSeconds();
        var measureStart = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();

        var timed = settings.DrivesPicks
            ? await DrivePicksAsync(cancellationToken)
            : await WaitForOwnPicksAsync(before, cancellationToken);

        await WaitUntilKnownEverywhereAsync(timed, cancellationToken);
        var after = await GetStatesAsync(cancellationToken);
        var cpuUsed = cpuSeconds?.Invoke() - cpuBefore;
        var otherCpu = MachineCpu.BusySeconds() - machineBefore - cpuUsed - (MachineCpu.OwnSeconds() - ownBefore);
        var measureEnd = _time.GetUtcNow();
        var measurementSeconds = clock.Elapsed.TotalSeconds;

        var histories = new Dictionary<string, IReadOnlyList<HistoryEvent>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            histories[node.Id] = (await node.GetHistoryAsync(0, cancellationToken)).Events;
        }

        var analysis = new Analysis(histories);
        if (!settings.DrivesPicks)
        {
            // The nodes' own picks after the start, oldest first; as many as were asked for.
            timed = [.. analysis.Picks().Where(p => p.PickedAt >= measureStart).Take(settings.Changes).Select(p => p.Change)];
        }

        var outcomes = analysis.Spread(timed);
        foreach (var missed in outcomes.Where(o => !o.LearnedByAll))
        {
            _problems.Add($"change {missed.Origin} v{missed.Version} reached {missed.LearnedBy} of {missed.Observers} other nodes");
        }

        if (outcomes.Count < settings.Changes)
        {
            _problems.Add($"only {outcomes.Count} of {settings.Changes} changes were made");
        }

        var (windowStart, windowEnd) = Window(analysis, outcomes, timed);
        // Traffic is counted from the state before the first timed pick to the state after the last change
        // settled, so it is divided by the picks made in that same span (with the nodes' own timers, a few more
        // than the timed ones).
        var inWindow = analysis.Picks().Count(p => p.PickedAt >= measureStart && p.PickedAt <= measureEnd);
        var traffic = Sum(after).Subtract(Sum(before));
        var freshness = analysis.Freshness(windowStart, windowEnd);
        return new Measurement(convergence, windowStart, windowEnd, measurementSeconds, outcomes, Math.Max(inWindow, outcomes.Count), traffic, freshness, [.. _problems], cpuUsed, otherCpu is { } other ? Math.Max(0, other) : null);
    }

    /// <summary>
    /// The freshness window: from the first timed pick to one pick spacing after the last (so every change gets
    /// the same share of the window), or to the moment the last change reached its last node if that is later.
    /// </summary>
    private (DateTimeOffset Start, DateTimeOffset End) Window(Analysis analysis, IReadOnlyList<ChangeOutcome> outcomes, IReadOnlyList<Change> timed)
    {
        var picked = outcomes.Where(o => o.PickedAt is not null).Select(o => o.PickedAt!.Value).ToList();
        if (picked.Count == 0)
        {
            var now = _time.GetUtcNow();
            return (now, now);
        }

        var spacing = settings.PickInterval is { } interval ? interval / nodes.Count : settings.PickEvery;
        var start = picked.Min();
        var end = picked.Max() + spacing;
        foreach (var change in timed)
        {
            foreach (var observer in analysis.Nodes)
            {
                if (analysis.LearnedAt(observer, change.Origin, change.Version) is { } learned && learned > end)
                {
                    end = learned;
                }
            }
        }

        return (start, end);
    }

    private async Task<double?> WaitForConvergenceAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // A node may still be making its first pick, so what "current" means is read again after each pass.
            var states = await GetStatesAsync(cancellationToken);
            var wanted = states.ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
            var stale = StalePairs(states, wanted);
            if (stale == 0)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"every node knows every node's current book after {clock.Elapsed.TotalSeconds:0.00} s"));
                return clock.Elapsed.TotalSeconds;
            }

            var left = settings.SettleTimeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || await WaitUntilHeldAsync(wanted, left, cancellationToken) > 0)
            {
                var message = $"the cluster had not converged after {Duration.Format(settings.SettleTimeout)} ({stale} stale pairs); measuring anyway";
                log(message);
                if (settings.DrivesPicks)
                {
                    _problems.Add(message);
                }

                return null;
            }
        }
    }

    /// <summary>Untimed picks, round-robin, 50 ms apart, then a wait until they are known everywhere.</summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        log($"warming up: {settings.WarmupPicks} untimed picks, round-robin");
        var changes = new List<Change>();
        for (var i = 0; i < settings.WarmupPicks; i++)
        {
            var node = nodes[i % nodes.Count];
            var result = await node.PickAsync(null, cancellationToken);
            changes.Add(new Change(node.Id, result.Version));
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }

        await WaitUntilKnownEverywhereAsync(changes, cancellationToken, "warm-up");
    }

    private async Task<IReadOnlyList<Change>> DrivePicksAsync(CancellationToken cancellationToken)
    {
        log($"picking {settings.Changes} times, every {Duration.Format(settings.PickEvery)}, at random nodes");
        var random = new Random(settings.RandomSeed);
        var changes = new List<Change>();
        using var timer = new PeriodicTimer(settings.PickEvery, _time);
        for (var i = 0; i < settings.Changes; i++)
        {
            if (i > 0)
            {
                await timer.WaitForNextTickAsync(cancellationToken);
            }

            var node = nodes[random.Next(nodes.Count)];
            try
            {
                var result = await node.PickAsync(null, cancellationToken);
                changes.Add(new Change(node.Id, result.Version));
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _problems.Add($"pick at node {node.Id} failed: {ex.Message}");
            }
        }

        return changes;
    }

    private async Task<IReadOnlyList<Change>> WaitForOwnPicksAsync(IReadOnlyList<NodeState> before, CancellationToken cancellationToken)
    {
        var interval = settings.PickInterval!.Value;
        var expected = TimeSpan.FromTicks(interval.Ticks * settings.Changes / nodes.Count);
        var limit = (expected * 3) + settings.SettleTimeout;
        log($"watching the nodes pick on their own every {Duration.Format(interval)} until {settings.Changes} picks (about {Duration.Format(expected)})");
        var start = before.ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken);
            var states = await GetStatesAsync(cancellationToken);

            // Versions count picks in their low part; a restarted node (new generation) would jump, so clamp.
            var picks = states.Sum(s => Math.Clamp(s.Version - start.GetValueOrDefault(s.Id), 0, settings.Changes));
            if (picks >= settings.Changes)
            {
                return [.. states.Select(s => new Change(s.Id, s.Version))];
            }

            if (clock.Elapsed > limit)
            {
                _problems.Add($"the nodes made {picks} of {settings.Changes} picks in {Duration.Format(limit)}");
                return [.. states.Select(s => new Change(s.Id, s.Version))];
            }
        }
    }

    /// <summary>Waits until every node holds every timed change (or a later version of its origin).</summary>
    private async Task WaitUntilKnownEverywhereAsync(IReadOnlyList<Change> changes, CancellationToken cancellationToken, string what = "last")
    {
        var wanted = changes.GroupBy(c => c.Origin, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(c => c.Version), StringComparer.Ordinal);
        var stale = await WaitUntilHeldAsync(wanted, settings.SettleTimeout, cancellationToken);
        if (stale > 0)
        {
            _problems.Add($"{stale} (node, origin) pairs still lacked the {what} change {Duration.Format(settings.SettleTimeout)} after the last pick");
        }
    }

    /// <summary>
    /// Asks one node at a time until it holds every wanted version, then the next: versions only grow, so a node
    /// that held them all still does. Polling all nodes at once would load the two cores the nodes share, and
    /// slow down the very spreading it waits for. Answers how many pairs were still stale at the deadline.
    /// </summary>
    private async Task<int> WaitUntilHeldAsync(IReadOnlyDictionary<string, long> wanted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            while (true)
            {
                var state = await node.GetStateAsync(cancellationToken);
                if (StalePairs([state], wanted) == 0)
                {
                    break;
                }

                if (clock.Elapsed > timeout)
                {
                    return StalePairs(await GetStatesAsync(cancellationToken), wanted);
                }

                await Task.Delay(s_pollEvery, _time, cancellationToken);
            }
        }

        return 0;
    }

    /// <summary>How many (observer, origin) pairs, observer ≠ origin, hold less than the wanted version of the origin.</summary>
    public static int StalePairs(IReadOnlyList<NodeState> states, IReadOnlyDictionary<string, long> wanted)
    {
        var stale = 0;
        foreach (var state in states)
        {
            foreach (var (origin, version) in wanted)
            {
                if (version <= 0 || string.Equals(origin, state.Id, StringComparison.Ordinal))
                {
                    continue;
                }

                if (state.World is null || !state.World.TryGetValue(origin, out var entry) || entry.Version < version)
                {
                    stale++;
                }
            }
        }

        return stale;
    }

    private async Task<IReadOnlyList<NodeState>> GetStatesAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(nodes.Select(n => n.GetStateAsync(cancellationToken)));

    private static NodeStats Sum(IEnumerable<NodeState> states) =>
        states.Aggregate(NodeStats.Zero, (sum, s) => sum.Add(s.Stats ?? NodeStats.Zero));
}
