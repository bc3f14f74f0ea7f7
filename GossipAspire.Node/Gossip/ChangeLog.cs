namespace GossipAspire.Node.Gossip;

/// <summary>
/// Every change of the world view, numbered from 1, the newest <see cref="GossipOptions.HistorySize"/> kept:
/// what <c>GET /history/</c> pages through. Not thread-safe: the engine appends under the lock that changes the
/// world view, so the log's order is the order the changes happened in.
/// </summary>
public sealed class ChangeLog(int capacity)
{
    private readonly Queue<HistoryEvent> _events = new();
    private long _seq;

    public void Append(string origin, WorldEntry entry)
    {
        _events.Enqueue(new HistoryEvent(++_seq, origin, entry.Version, entry.PickedAt, entry.ReceivedAt));
        while (_events.Count > capacity)
        {
            _events.Dequeue();
        }
    }

    /// <summary>Changes with a sequence number above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public (IReadOnlyList<HistoryEvent> Events, long Next) Read(long after, int limit)
    {
        var events = _events.Where(e => e.Seq > after).Take(limit).ToList();
        return (events, events.Count > 0 ? events[^1].Seq : Math.Min(after, _seq));
    }
}
