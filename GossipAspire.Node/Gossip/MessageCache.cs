namespace GossipAspire.Node.Gossip;

/// <summary>
/// The uuids of recent messages, for deduplication, bounded in count and in age: the oldest entries go first.
/// Forgetting a uuid is safe, because a message that comes back later cannot lower a version.
/// </summary>
public sealed class MessageCache(int capacity, TimeSpan maxAge)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Uuid, DateTimeOffset At)> _order = new();

    public int Count => _seen.Count;

    /// <summary>Records <paramref name="uuid"/>; false when it was already there.</summary>
    public bool Add(string uuid, DateTimeOffset now)
    {
        Evict(now);
        if (!_seen.TryAdd(uuid, now))
        {
            return false;
        }

        _order.Enqueue((uuid, now));
        Evict(now);
        return true;
    }

    public bool Contains(string uuid, DateTimeOffset now)
    {
        Evict(now);
        return _seen.ContainsKey(uuid);
    }

    private void Evict(DateTimeOffset now)
    {
        while (_order.Count > 0 && (_order.Count > capacity || now - _order.Peek().At > maxAge))
        {
            _seen.Remove(_order.Dequeue().Uuid);
        }
    }
}
