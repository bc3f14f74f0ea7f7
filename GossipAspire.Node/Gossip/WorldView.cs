namespace GossipAspire.Node.Gossip;

/// <summary>
/// What this node knows of every origin (itself included): the entry of the highest version heard, and an
/// order-free hash of all (origin, version) pairs, kept up to date in place, that <c>X-Gossip-World</c> carries.
/// Not thread-safe: the engine reads and changes it under its lock, together with the change log and the clock.
/// </summary>
/// <remarks>
/// Forgetting (<see cref="GossipOptions.ForgetAfter"/>): an origin is heard when a newer version of it is stored or
/// it speaks to this node itself (a request from it, an answer to a request to it). One silent for the whole
/// period is dropped, and its version is remembered for as long again, so that a copy still held elsewhere cannot
/// bring it back through repair: only a newer version, or the origin itself speaking, does.
/// </remarks>
public sealed class WorldView
{
    private readonly Dictionary<string, WorldEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _heard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Version, DateTimeOffset At)> _forgotten = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>XOR of <see cref="EntryHash"/> over every entry: equal hashes mean (almost surely) equal views.</summary>
    public ulong Hash { get; private set; }

    public IEnumerable<KeyValuePair<string, WorldEntry>> Entries => _entries;

    public bool Contains(string origin) => _entries.ContainsKey(origin);

    public bool TryGet(string origin, out WorldEntry entry) => _entries.TryGetValue(origin, out entry!);

    /// <summary>True when <paramref name="version"/> is newer than what is held for <paramref name="origin"/> (or nothing is).</summary>
    public bool IsNewer(string origin, long version) =>
        _entries.TryGetValue(origin, out var held) ? held.Version < version
        : !_forgotten.TryGetValue(origin, out var forgotten) || forgotten.Version < version;

    /// <summary>The version held for <paramref name="origin"/>, 0 when none.</summary>
    public long VersionOf(string origin) => _entries.TryGetValue(origin, out var held) ? held.Version : 0;

    public void Set(string origin, WorldEntry entry)
    {
        if (_entries.TryGetValue(origin, out var old))
        {
            Hash ^= EntryHash(origin, old.Version);
        }

        _entries[origin] = entry;
        Hash ^= EntryHash(origin, entry.Version);
        _heard[origin] = entry.ReceivedAt;
        _forgotten.Remove(origin);
    }

    /// <summary>The origin spoke to this node itself: it lives, whatever its version.</summary>
    public void Heard(string origin, DateTimeOffset now)
    {
        _forgotten.Remove(origin);
        if (_entries.ContainsKey(origin))
        {
            _heard[origin] = now;
        }
    }

    /// <summary>
    /// Drops every origin but <paramref name="self"/> not heard for <paramref name="after"/>, remembering its version
    /// for as long again; returns the origins dropped.
    /// </summary>
    public List<string> Forget(DateTimeOffset now, TimeSpan after, string self)
    {
        var silent = _heard.Where(h => h.Key != self && now - h.Value > after).Select(h => h.Key).ToList();
        foreach (var origin in silent)
        {
            var entry = _entries[origin];
            Hash ^= EntryHash(origin, entry.Version);
            _entries.Remove(origin);
            _heard.Remove(origin);
            _forgotten[origin] = (entry.Version, now);
        }

        foreach (var origin in _forgotten.Where(f => now - f.Value.At > after).Select(f => f.Key).ToList())
        {
            _forgotten.Remove(origin);
        }

        return silent;
    }

    /// <summary>A copy in origin order, for readers outside the lock.</summary>
    public SortedDictionary<string, WorldEntry> Snapshot() => new(_entries, StringComparer.Ordinal);

    /// <summary>The digest: the version held per origin.</summary>
    public Dictionary<string, long> Versions() => _entries.ToDictionary(e => e.Key, e => e.Value.Version, StringComparer.Ordinal);

    /// <summary>An order-free hash of (origin, version) pairs: XOR of a 64-bit mix of each, updated in place.</summary>
    public static ulong EntryHash(string origin, long version)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in origin)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var x = hash ^ (ulong)version;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
