using Microsoft.Extensions.Logging;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// Who this node sends to: its peers, each with its count of failed requests in a row, and the peers it dropped,
/// each with the version of it this node held when it dropped it (so stale news cannot bring it back).
/// Thread-safe: it has its own lock and never calls out while holding it, so the engine, the outbox and the
/// transport can all ask it things.
/// </summary>
/// <remarks>
/// Rules (docs/PROTOCOL.md, section 5, "Membership"): a peer is learned when it speaks to us (an envelope's
/// sender, a digest's caller, an introduction, the seed's answer) and when news from it is newer than what we held
/// when we dropped it; a peer whose requests fail <see cref="GossipOptions.PeerFailureLimit"/> times in a row is
/// dropped. At most <see cref="GossipOptions.MaxPeers"/> peers are held: a further one is not learned until one is
/// dropped. An id whose host is outside <see cref="GossipOptions.AllowedHosts"/> is never learned.
/// </remarks>
public sealed partial class Membership
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _peers = new(StringComparer.Ordinal); // peer -> consecutive failures
    private readonly Dictionary<string, (long Version, DateTimeOffset At)> _dropped = new(StringComparer.Ordinal); // peer -> its version when dropped
    private readonly string _self;
    private readonly int _failureLimit;
    private readonly int _maxPeers;
    private readonly HostPolicy _hosts;
    private readonly ILogger _logger;

    public Membership(string self, GossipOptions options, HostPolicy hosts, ILogger logger)
    {
        _self = self;
        _failureLimit = options.PeerFailureLimit;
        _maxPeers = options.MaxPeers;
        _hosts = hosts;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>The peers, in id order.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock)
        {
            return [.. _peers.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The peers not in <paramref name="covered"/>, in no particular order.</summary>
    public List<string> Except(IReadOnlySet<string> covered)
    {
        lock (_lock)
        {
            return [.. _peers.Keys.Where(p => !covered.Contains(p))];
        }
    }

    public bool Contains(string peer)
    {
        lock (_lock)
        {
            return _peers.ContainsKey(peer);
        }
    }

    /// <summary>A peer chosen at random, or null when there is none.</summary>
    public string? Random(Random random)
    {
        lock (_lock)
        {
            return _peers.Count == 0 ? null : _peers.Keys.ElementAt(random.Next(_peers.Count));
        }
    }

    /// <summary>The peer spoke to us (or answered as a seed): it is a peer with a clean record from now on.</summary>
    public void Learn(string peer)
    {
        if (peer == _self || !_hosts.Allows(peer))
        {
            return;
        }

        bool learned = false, full = false;
        lock (_lock)
        {
            _dropped.Remove(peer);
            if (_peers.ContainsKey(peer))
            {
                _peers[peer] = 0;
            }
            else if (_peers.Count >= _maxPeers)
            {
                full = true;
            }
            else
            {
                _peers[peer] = 0;
                learned = true;
            }
        }

        Report(peer, learned, full);
    }

    /// <summary>
    /// News from <paramref name="origin"/> at <paramref name="version"/>: proof it lives, unless we dropped it
    /// while already holding that version or a later one.
    /// </summary>
    public void LearnFromNews(string origin, long version)
    {
        if (origin == _self || !_hosts.Allows(origin))
        {
            return;
        }

        bool learned = false, full = false;
        lock (_lock)
        {
            if (!_peers.ContainsKey(origin) && (!_dropped.TryGetValue(origin, out var dropped) || dropped.Version < version))
            {
                _dropped.Remove(origin);
                full = _peers.Count >= _maxPeers;
                if (!full)
                {
                    _peers[origin] = 0;
                    learned = true;
                }
            }
        }

        Report(origin, learned, full);
    }

    /// <summary>Forgets the peers dropped before <paramref name="before"/>: a dropped peer is remembered only so long.</summary>
    public void ForgetDropped(DateTimeOffset before)
    {
        lock (_lock)
        {
            foreach (var peer in _dropped.Where(d => d.Value.At < before).Select(d => d.Key).ToList())
            {
                _dropped.Remove(peer);
            }
        }
    }

    private void Report(string peer, bool learned, bool full)
    {
        if (learned)
        {
            Log.PeerLearned(_logger, peer);
        }
        else if (full)
        {
            Log.PeersFull(_logger, peer, _maxPeers);
        }
    }

    /// <summary>A request to the peer succeeded: its failures start again from zero.</summary>
    public void Succeeded(string peer)
    {
        lock (_lock)
        {
            if (_peers.ContainsKey(peer))
            {
                _peers[peer] = 0;
            }
        }
    }

    /// <summary>
    /// A request to the peer failed. At the limit the peer is dropped, remembering <paramref name="versionHeld"/>
    /// (the version of it this node holds). Returns true when this failure dropped it.
    /// </summary>
    public bool Failed(string peer, long versionHeld, string reason, DateTimeOffset now)
    {
        var dropped = false;
        lock (_lock)
        {
            if (_peers.TryGetValue(peer, out var failures))
            {
                failures++;
                if (failures >= _failureLimit)
                {
                    _peers.Remove(peer);
                    _dropped[peer] = (versionHeld, now);
                    dropped = true;
                }
                else
                {
                    _peers[peer] = failures;
                }
            }
        }

        if (dropped)
        {
            Log.PeerDropped(_logger, peer, _failureLimit, reason);
        }
        else
        {
            Log.PeerFailed(_logger, peer, reason);
        }

        return dropped;
    }

    private static partial class Log
    {
        [LoggerMessage(4, LogLevel.Information, "Learned peer {Peer}")]
        public static partial void PeerLearned(ILogger logger, string peer);

        [LoggerMessage(5, LogLevel.Debug, "Request to peer {Peer} failed: {Reason}")]
        public static partial void PeerFailed(ILogger logger, string peer, string reason);

        // Debug: a flood of new ids must not become a flood of log lines.
        [LoggerMessage(11, LogLevel.Debug, "Did not learn peer {Peer}: already {MaxPeers} peers (Gossip:MaxPeers)")]
        public static partial void PeersFull(ILogger logger, string peer, int maxPeers);

        [LoggerMessage(6, LogLevel.Warning, "Dropped peer {Peer} after {Failures} failed requests (last: {Reason}); it is learned again when it speaks")]
        public static partial void PeerDropped(ILogger logger, string peer, int failures, string reason);
    }
}
