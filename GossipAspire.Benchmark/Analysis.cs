namespace GossipAspire.Benchmark;

/// <summary>One book change: the origin's new version.</summary>
public sealed record Change(string Origin, long Version);

/// <summary>How one change spread: when it was picked and when the last of the other nodes learned it.</summary>
public sealed record ChangeOutcome(
    string Origin,
    long Version,
    DateTimeOffset? PickedAt,
    double? LatencyMs,
    int LearnedBy,
    int Observers,
    string? LastNode)
{
    public bool LearnedByAll => LearnedBy == Observers && LatencyMs is not null;
}

/// <summary>
/// Turns the nodes' histories into latencies and freshness. Everything here is computed from the timestamps the
/// nodes wrote (picked_at at the origin, received_at at each observer); the nodes share one machine and so one
/// clock. An observer "holds" a version of an origin from the first moment it held that version or a later one,
/// since a node that skips straight to a newer version has not missed anything.
/// </summary>
public sealed class Analysis
{
    private readonly IReadOnlyList<string> _nodes;
    private readonly Dictionary<(string Observer, string Origin), LearnTimes> _learned = [];
    private readonly Dictionary<string, SortedList<long, DateTimeOffset>> _picks = new(StringComparer.Ordinal);

    /// <param name="histories">Each node's history events, by node id; the ids are the cluster.</param>
    public Analysis(IReadOnlyDictionary<string, IReadOnlyList<HistoryEvent>> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        _nodes = [.. histories.Keys.Order(StringComparer.Ordinal)];
        foreach (var (observer, events) in histories)
        {
            foreach (var group in events.GroupBy(e => e.Origin, StringComparer.Ordinal))
            {
                _learned[(observer, group.Key)] = new LearnTimes(group);
            }

            // Every event carries its version's picked_at, so the picks of an origin are known even where its own
            // history says nothing of them.
            foreach (var e in events)
            {
                if (e.PickedAt is not { } pickedAt)
                {
                    continue;
                }

                if (!_picks.TryGetValue(e.Origin, out var picks))
                {
                    picks = [];
                    _picks[e.Origin] = picks;
                }

                if (!picks.TryGetValue(e.Version, out var known) || pickedAt < known)
                {
                    picks[e.Version] = pickedAt;
                }
            }
        }
    }

    public IReadOnlyList<string> Nodes => _nodes;

    /// <summary>When <paramref name="observer"/> first held <paramref name="version"/> of <paramref name="origin"/> or a later one; null if never.</summary>
    public DateTimeOffset? LearnedAt(string observer, string origin, long version) =>
        _learned.TryGetValue((observer, origin), out var times) ? times.FirstHolding(version) : null;

    public DateTimeOffset? PickedAt(string origin, long version) =>
        _picks.TryGetValue(origin, out var picks) && picks.TryGetValue(version, out var at) ? at : null;

    /// <summary>Every pick seen in any history, oldest first.</summary>
    public IReadOnlyList<(Change Change, DateTimeOffset PickedAt)> Picks() =>
        [.. _picks.SelectMany(p => p.Value.Select(v => (new Change(p.Key, v.Key), v.Value))).OrderBy(p => p.Value)];

    /// <summary>For each change, the time from its pick to the last other node holding it.</summary>
    public IReadOnlyList<ChangeOutcome> Spread(IEnumerable<Change> changes)
    {
        var outcomes = new List<ChangeOutcome>();
        foreach (var change in changes)
        {
            var pickedAt = PickedAt(change.Origin, change.Version);
            var observers = _nodes.Where(n => !string.Equals(n, change.Origin, StringComparison.Ordinal)).ToList();
            var learnedBy = 0;
            DateTimeOffset? last = null;
            string? lastNode = null;
            foreach (var observer in observers)
            {
                if (LearnedAt(observer, change.Origin, change.Version) is { } at)
                {
                    learnedBy++;
                    if (last is null || at > last)
                    {
                        (last, lastNode) = (at, observer);
                    }
                }
            }

            double? latency = pickedAt is { } start && last is { } end && learnedBy == observers.Count
                ? Math.Max(0, (end - start).TotalMilliseconds)
                : null;
            outcomes.Add(new ChangeOutcome(change.Origin, change.Version, pickedAt, latency, learnedBy, observers.Count, lastNode));
        }

        return outcomes;
    }

    /// <summary>
    /// Time-averaged share of (observer, origin) pairs, observer ≠ origin, in which the observer holds the
    /// origin's current version, over [<paramref name="from"/>, <paramref name="to"/>). The origin's current
    /// version at a moment is its latest pick at or before it; a pair whose origin has picked nothing yet counts
    /// as fresh (there is nothing to know). 1.0 means every node always knew every current book.
    /// </summary>
    public double Freshness(DateTimeOffset from, DateTimeOffset to) => Freshness(from, to, _nodes, _nodes);

    /// <summary>
    /// <see cref="Freshness(DateTimeOffset, DateTimeOffset)"/> over the pairs of <paramref name="observers"/> and
    /// <paramref name="origins"/> only (observer ≠ origin): in a mixed network, how current one kind of node keeps
    /// the other's books.
    /// </summary>
    public double Freshness(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string> observers, IReadOnlyCollection<string> origins)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(origins);
        if (to <= from || _nodes.Count < 2)
        {
            return 1.0;
        }

        var window = (to - from).TotalMilliseconds;
        var pairs = 0;
        var staleMs = 0.0;
        foreach (var origin in origins)
        {
            _picks.TryGetValue(origin, out var picks);
            foreach (var observer in observers)
            {
                if (string.Equals(observer, origin, StringComparison.Ordinal))
                {
                    continue;
                }

                pairs++;
                if (picks is null)
                {
                    continue;
                }

                for (var i = 0; i < picks.Count; i++)
                {
                    var current = picks.GetValueAtIndex(i);
                    var superseded = i + 1 < picks.Count ? picks.GetValueAtIndex(i + 1) : DateTimeOffset.MaxValue;
                    var learned = LearnedAt(observer, origin, picks.GetKeyAtIndex(i)) ?? DateTimeOffset.MaxValue;
                    var staleFrom = Max(current, from);
                    var staleTo = Min(Min(learned, superseded), to);
                    if (staleTo > staleFrom)
                    {
                        staleMs += (staleTo - staleFrom).TotalMilliseconds;
                    }
                }
            }
        }

        return pairs == 0 ? 1.0 : 1.0 - (staleMs / (pairs * window));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>One observer's events about one origin, answering "when did it first hold version v or later".</summary>
    private sealed class LearnTimes
    {
        private readonly long[] _versions;
        private readonly DateTimeOffset[] _earliestFromHere;

        public LearnTimes(IEnumerable<HistoryEvent> events)
        {
            var sorted = events.OrderBy(e => e.Version).ToArray();
            _versions = [.. sorted.Select(e => e.Version)];
            _earliestFromHere = new DateTimeOffset[sorted.Length];
            var earliest = DateTimeOffset.MaxValue;
            for (var i = sorted.Length - 1; i >= 0; i--)
            {
                earliest = sorted[i].ReceivedAt < earliest ? sorted[i].ReceivedAt : earliest;
                _earliestFromHere[i] = earliest;
            }
        }

        public DateTimeOffset? FirstHolding(long version)
        {
            var index = Array.BinarySearch(_versions, version);
            if (index < 0)
            {
                index = ~index;
            }
            else
            {
                // Duplicates of a version: take the first of them.
                while (index > 0 && _versions[index - 1] == version)
                {
                    index--;
                }
            }

            return index < _versions.Length ? _earliestFromHere[index] : null;
        }
    }
}
