namespace GossipAspire.Node.Gossip;

/// <summary>
/// Every change of the world view, numbered from 1, the newest <see cref="GossipOptions.HistorySize"/> kept:
/// what <c>GET /history/</c> pages through. Each change records how it came (the message's uuid, the peer that
/// delivered it, the hops it travelled, its trace, whether repair brought it) and counts, in place, the further
/// copies of the same uuid that arrive after it. Not thread-safe: the engine appends under the lock that changes
/// the world view, so the log's order is the order the changes happened in.
/// </summary>
public sealed class ChangeLog(int capacity)
{
    private readonly Queue<Change> _changes = new();
    private readonly Dictionary<string, Change> _byUuid = new(StringComparer.Ordinal);
    private long _seq;

    public void Append(string origin, WorldEntry entry, ChangeSource source)
    {
        var change = new Change(++_seq, origin, entry, source);
        _changes.Enqueue(change);
        _byUuid[entry.Uuid] = change;
        while (_changes.Count > capacity)
        {
            var evicted = _changes.Dequeue();
            if (_byUuid.TryGetValue(evicted.Uuid, out var held) && held == evicted)
            {
                _byUuid.Remove(evicted.Uuid);
            }
        }
    }

    /// <summary>Another copy of a message already received: counted on the change it made, if that is still held.</summary>
    public void CountDuplicate(string uuid)
    {
        if (_byUuid.TryGetValue(uuid, out var change))
        {
            change.Duplicates++;
        }
    }

    /// <summary>
    /// Changes with a sequence number above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>,
    /// with the sequence to continue from, the oldest still held, and how many after <paramref name="after"/> were
    /// evicted before they could be read.
    /// </summary>
    public ChangeLogPage Read(long after, int limit)
    {
        var events = _changes.Where(c => c.Seq > after).Take(limit).Select(c => c.ToEvent()).ToList();
        var oldest = _changes.Count > 0 ? _changes.Peek().Seq : 0;
        var firstHeld = _changes.Count > 0 ? oldest : _seq + 1;
        var evicted = Math.Max(0, firstHeld - 1 - Math.Max(0, after));
        return new ChangeLogPage(events, events.Count > 0 ? events[^1].Seq : Math.Min(after, _seq), oldest, evicted);
    }

    /// <summary>
    /// One change. It keeps what the history shows, not the entry itself: an entry's unknown payload keys (up to
    /// MaxPayloadBytes each) would otherwise be held once more for every one of the log's changes.
    /// </summary>
    private sealed class Change(long seq, string origin, WorldEntry entry, ChangeSource source)
    {
        private readonly long _version = entry.Version;
        private readonly string _book = entry.Book;
        private readonly DateTimeOffset? _pickedAt = entry.PickedAt;
        private readonly DateTimeOffset _receivedAt = entry.ReceivedAt;

        public long Seq { get; } = seq;

        public string Uuid { get; } = entry.Uuid;

        public long Duplicates { get; set; }

        public HistoryEvent ToEvent() => new(
            Seq, origin, _version, _book, _pickedAt, _receivedAt,
            Uuid, source.From, source.Hop, source.TraceId, Duplicates, source.Repair);
    }
}

/// <summary>
/// How a change came: <see cref="From"/> the peer that delivered the first copy (null for this node's own picks),
/// <see cref="Hop"/> the hops that copy had travelled (0 for own picks, null when the copy did not say),
/// <see cref="TraceId"/> the change's trace (null when it came without one), <see cref="Repair"/> through anti-entropy.
/// </summary>
public sealed record ChangeSource(string? From, long? Hop, string? TraceId, bool Repair)
{
    public static ChangeSource Own(string? traceId) => new(null, 0, traceId, false);
}

/// <summary>One page of the change log.</summary>
public sealed record ChangeLogPage(IReadOnlyList<HistoryEvent> Events, long Next, long Oldest, long Evicted)
{
    public void Deconstruct(out IReadOnlyList<HistoryEvent> events, out long next)
    {
        events = Events;
        next = Next;
    }
}
