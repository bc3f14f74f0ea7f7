namespace GossipAspire.Node.Gossip;

/// <summary>
/// Repair by digest exchange (docs/PROTOCOL.md, section 5, "Anti-entropy"): when a round is due, what a digest is
/// answered with, and what a caller sends back for the origins the peer wants. Its own state is the timing: when
/// the last exchange ran and when a push last showed this node in sync (<c>X-Gossip-World</c>), so a busy network
/// skips rounds it does not need. Thread-safe for the timing; the rules read the world view under the engine's lock.
/// </summary>
public sealed class AntiEntropy(TimeSpan interval, DateTimeOffset startedAt)
{
    /// <summary>However in sync pushes say this node is, a round runs at least every this many intervals.</summary>
    public const int MaxSkippedRounds = 10;

    /// <summary>How many bounded answers one exchange follows (each says whether there is more) before it waits for the next round.</summary>
    public const int MaxAnswersPerExchange = 32;

    private readonly Lock _lock = new();
    private DateTimeOffset _lastInSync = DateTimeOffset.MinValue;
    private DateTimeOffset _lastExchange = startedAt;

    /// <summary>True when a round is due: none recently, and no push recently showed us in sync.</summary>
    public bool IsDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            var inSyncRecently = now - _lastInSync < interval;
            var overdue = now - _lastExchange >= interval * MaxSkippedRounds;
            return !inSyncRecently || overdue;
        }
    }

    /// <summary>A push showed this node's world hash equal to its sender's.</summary>
    public void InSync(DateTimeOffset now)
    {
        lock (_lock)
        {
            _lastInSync = now;
        }
    }

    /// <summary>A round is starting.</summary>
    public void Exchanging(DateTimeOffset now)
    {
        lock (_lock)
        {
            _lastExchange = now;
        }
    }

    /// <summary>
    /// The answer to a digest: a message for every origin where we hold a newer version or the caller holds none,
    /// and in <c>wants</c> the origins where the caller is newer, our own id included when it holds a newer version
    /// of us than we do (we restarted within a second: its copy makes us move past it). The messages are bounded:
    /// once they would pass <paramref name="maxBytes"/> written, the rest is left for the caller's next request, and
    /// the answer says so (<see cref="DigestReply.More"/>). Call under the engine's lock.
    /// </summary>
    public static DigestReply Answer(WorldView world, string self, VersionClock clock, DigestRequest digest, int maxBytes)
    {
        var messages = new List<GossipMessage>();
        var wants = new List<string>();
        var more = false;
        long bytes = 64; // the answer's own keys
        foreach (var (origin, entry) in world.Entries)
        {
            if (origin == self && !clock.Announced)
            {
                continue;
            }

            if (!digest.Versions.TryGetValue(origin, out var theirs) || theirs < entry.Version)
            {
                var message = RepairMessage(origin, entry);
                var size = Wire.WriteMessage(message).Length + 1;
                if (messages.Count > 0 && bytes + size > maxBytes)
                {
                    more = true;
                    continue;
                }

                bytes += size;
                messages.Add(message);
            }
        }

        foreach (var (origin, theirs) in digest.Versions)
        {
            if (origin != self && world.IsNewer(origin, theirs))
            {
                wants.Add(origin);
            }
            else if (origin == self && theirs > clock.Current)
            {
                wants.Add(origin);
            }
        }

        return new DigestReply(messages, wants, more);
    }

    /// <summary>
    /// The push substitute for a gem-protocol peer, which has no digest and learns only from pushes: the current
    /// entry of every origin but the peer itself (and ours only once announced), as repair messages (ttl 1, so the
    /// peer keeps them and sends them no further than its own cache). Call under the engine's lock.
    /// </summary>
    public static List<GossipMessage> GemCatchUp(WorldView world, string self, VersionClock clock, string peer)
    {
        var messages = new List<GossipMessage>();
        foreach (var (origin, entry) in world.Entries)
        {
            if (origin != peer && (origin != self || clock.Announced))
            {
                messages.Add(RepairMessage(origin, entry));
            }
        }

        return messages;
    }

    /// <summary>The entries a peer wants from us, as repair messages. Call under the engine's lock.</summary>
    public static List<GossipMessage> Wanted(WorldView world, string self, VersionClock clock, IEnumerable<string> wants)
    {
        var missing = new List<GossipMessage>();
        foreach (var origin in wants)
        {
            if ((origin != self || clock.Announced) && world.TryGet(origin, out var entry))
            {
                missing.Add(RepairMessage(origin, entry));
            }
        }

        return missing;
    }

    /// <summary>
    /// An entry as a message that travels one hop (ttl 1), with its origin's uuid, time, trace and signature: the
    /// signature as it was received, never one made here, since only the origin signs its own picks.
    /// </summary>
    public static GossipMessage RepairMessage(string origin, WorldEntry entry) => entry.ToMessage(origin, ttl: 1, hop: null);
}
