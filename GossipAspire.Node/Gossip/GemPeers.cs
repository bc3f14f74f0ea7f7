using Microsoft.Extensions.Logging;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// The peers that speak only the Ruby gem's protocol (docs/PROTOCOL.md, section 5, "Gem peers"): a peer that
/// answered <c>404</c> to <c>POST /digest/</c>. Such a peer stays a peer (that 404 is no failure), gets no digest
/// from then on, and is kept current by pushes instead (the push substitute, see <see cref="AntiEntropy.GemCatchUp"/>).
/// Thread-safe: its own lock, never held while calling out.
/// </summary>
/// <remarks>
/// A port can change hands: a gem node stops and one of ours starts on it. So a mark is not for good. A peer that
/// shows it speaks our protocol (it sends a digest, or a push with our <c>X-Gossip-Covered</c> or
/// <c>X-Gossip-World</c> header, neither of which a gem sends) loses its mark at once; and any mark runs out after
/// <see cref="GossipOptions.GemProbeInterval"/>, so the next anti-entropy round with that peer asks it for a digest
/// again (one small request; a gem answers it 404 again and is marked again). Marks are only made for peers a digest
/// went to, and expired ones are swept as new ones come, so the set stays as small as the peers.
/// </remarks>
public sealed partial class GemPeers(TimeSpan probeInterval, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _marked = new(StringComparer.Ordinal); // peer -> when its digest got 404

    /// <summary>The peer answered <c>404</c> to a digest: a gem-protocol peer until <paramref name="now"/> + the probe interval.</summary>
    public void Mark(string peer, DateTimeOffset now)
    {
        bool first;
        lock (_lock)
        {
            foreach (var expired in _marked.Where(m => now - m.Value >= probeInterval).Select(m => m.Key).ToList())
            {
                _marked.Remove(expired);
            }

            first = _marked.TryAdd(peer, now);
            _marked[peer] = now;
        }

        if (first)
        {
            Log.Marked(logger, peer, probeInterval);
        }
    }

    /// <summary>True while the peer counts as a gem-protocol peer: marked, and the mark has not run out.</summary>
    public bool IsGem(string peer, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _marked.TryGetValue(peer, out var at) && now - at < probeInterval;
        }
    }

    /// <summary>The peer sent something only our nodes send: it is not (or no longer) a gem-protocol peer.</summary>
    public void SpeaksOurProtocol(string peer)
    {
        bool removed;
        lock (_lock)
        {
            removed = _marked.Remove(peer);
        }

        if (removed)
        {
            Log.Unmarked(logger, peer);
        }
    }

    /// <summary>The peers marked now, in id order.</summary>
    public IReadOnlyList<string> Snapshot(DateTimeOffset now)
    {
        lock (_lock)
        {
            return [.. _marked.Where(m => now - m.Value < probeInterval).Select(m => m.Key).Order(StringComparer.Ordinal)];
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Peer {Peer} answered 404 to /digest/: a gem-protocol peer, kept current by pushes instead of digests (asked again after {ProbeInterval})")]
        public static partial void Marked(ILogger logger, string peer, TimeSpan probeInterval);

        [LoggerMessage(41, LogLevel.Information, "Peer {Peer} speaks our protocol now: digests with it again")]
        public static partial void Unmarked(ILogger logger, string peer);
    }
}
