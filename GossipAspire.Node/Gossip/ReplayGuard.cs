namespace GossipAspire.Node.Gossip;

/// <summary>
/// The request MACs a node has accepted, each until its timestamp leaves the <see cref="GossipOptions.MaxClockSkew"/>
/// window (after that the timestamp alone refuses it), so a captured request cannot be sent again even within
/// the window. At most <paramref name="capacity"/> are held; beyond that the one expiring first is forgotten early,
/// and only key holders can fill it, since only a valid MAC is remembered. Thread-safe.
/// </summary>
public sealed class ReplayGuard(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal); // MAC -> unix second it expires
    private readonly PriorityQueue<string, long> _byExpiry = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count;
            }
        }
    }

    /// <summary>True the first time <paramref name="mac"/> is used; false when it was accepted before and has not expired.</summary>
    public bool TryUse(string mac, long expiresAt, long now)
    {
        lock (_lock)
        {
            while (_byExpiry.TryPeek(out var old, out var expiry) && expiry < now)
            {
                _byExpiry.Dequeue();
                _seen.Remove(old);
            }

            if (_seen.ContainsKey(mac))
            {
                return false;
            }

            while (_seen.Count >= capacity && _byExpiry.TryDequeue(out var early, out _))
            {
                _seen.Remove(early);
            }

            _seen[mac] = expiresAt;
            _byExpiry.Enqueue(mac, expiresAt);
            return true;
        }
    }
}
