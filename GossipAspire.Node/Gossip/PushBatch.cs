namespace GossipAspire.Node.Gossip;

/// <summary>
/// One push (docs/PROTOCOL.md, section 5, "Push"): the messages of one pick, or the new ones of one received
/// envelope, going on to the peers nobody has covered yet. Whatever the number of messages, each target gets one
/// envelope (more only when the messages outgrow a body), never one request per message, and of each origin only
/// the highest version; a message never goes back to its origin, and every copy names all the targets in
/// <c>X-Gossip-Covered</c> so receivers do not send to them again.
/// </summary>
/// <remarks>
/// The covered header is the same for every message of the batch: what the sender named, the sender, this node,
/// and every target. A message's own origin is left out of its targets but may be named: receivers count the
/// origin as covered anyway.
/// </remarks>
public sealed class PushBatch
{
    private readonly HashSet<string> _covered;
    private readonly Membership _membership;
    private readonly List<GossipMessage> _messages = [];
    private readonly Dictionary<string, int> _byOrigin = new(StringComparer.Ordinal);

    /// <param name="self">This node.</param>
    /// <param name="sender">Who sent the envelope (this node for a pick).</param>
    /// <param name="covered">What the sender's <c>X-Gossip-Covered</c> named; null when it sent none (a gem peer).</param>
    /// <param name="membership">The peers; the ones not covered are taken now, once for the whole batch.</param>
    public PushBatch(string self, string sender, IReadOnlySet<string>? covered, Membership membership)
    {
        _covered = covered is null ? new(StringComparer.Ordinal) : new(covered, StringComparer.Ordinal);
        _covered.Add(sender);
        _covered.Add(self);
        _membership = membership;
        Candidates = membership.Except(_covered);
    }

    /// <summary>The peers this batch may go to (less, when it goes, a peer that has never answered and has a request in flight).</summary>
    public IReadOnlyList<string> Candidates { get; }

    public int Count => _messages.Count;

    /// <summary>How many peers a message of <paramref name="origin"/> goes to (all candidates but the origin).</summary>
    public int TargetsFor(string origin)
    {
        var count = 0;
        foreach (var candidate in Candidates)
        {
            if (candidate != origin)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// A message to send on, as it is to be sent (ttl, hop and traceparent already set). Of several versions of
    /// one origin only the highest goes on: the others are news to nobody once it arrives.
    /// </summary>
    public void Add(GossipMessage message)
    {
        if (_byOrigin.TryGetValue(message.ClientId, out var index))
        {
            if (_messages[index].Payload.Version < message.Payload.Version)
            {
                _messages[index] = message;
            }

            return;
        }

        _byOrigin[message.ClientId] = _messages.Count;
        _messages.Add(message);
    }

    /// <summary>Hands every target its envelopes through the outbox, in the background.</summary>
    public void Send(string self, Outbox outbox, ulong worldHash, int maxBodyBytes)
    {
        if (_messages.Count == 0 || Candidates.Count == 0)
        {
            return;
        }

        // Taken only now, and only of peers that get something: a peer that has never answered counts as having a
        // request in flight from here on.
        var origins = new HashSet<string>(_messages.Select(m => m.ClientId), StringComparer.Ordinal);
        var targets = _membership.Targets(Candidates.Where(c => !origins.Contains(c) || _messages.Exists(m => m.ClientId != c)));
        if (targets.Count == 0)
        {
            return;
        }

        var headers = new GossipHeaders(new HashSet<string>(_covered.Concat(targets), StringComparer.Ordinal), worldHash);
        var written = _messages.ConvertAll(Wire.WriteMessage);

        // Every target that is not an origin of the batch gets all of it: those envelopes are written once.
        var everything = targets.Where(c => !origins.Contains(c)).ToList();
        if (everything.Count > 0)
        {
            foreach (var (body, messages) in Wire.WriteEnvelopes(self, written, maxBodyBytes))
            {
                outbox.Push(body, messages, everything, headers);
            }
        }

        // An origin among the targets gets the rest, without its own messages.
        foreach (var origin in targets.Where(origins.Contains))
        {
            var others = written.Where((_, i) => _messages[i].ClientId != origin).ToList();
            foreach (var (body, messages) in Wire.WriteEnvelopes(self, others, maxBodyBytes))
            {
                outbox.Push(body, messages, [origin], headers);
            }
        }
    }
}
