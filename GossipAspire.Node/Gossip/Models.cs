using System.Text.Json;

namespace GossipAspire.Node.Gossip;

/// <summary>One request of <c>POST /gossip/</c>: who sends it (the last hop) and the messages it carries.</summary>
public sealed record GossipEnvelope(string ClientId, IReadOnlyList<GossipMessage> Messages);

/// <summary>One message: a uuid for deduplication, the origin's id, hops left, and the origin's payload.</summary>
public sealed record GossipMessage(string Uuid, string ClientId, long Ttl, GossipPayload Payload);

/// <summary>
/// The origin's favourite book and version, plus our extensions (trace context, pick time, hop count, the origin's
/// signature). <see cref="Extra"/> keeps payload keys this node does not know, so they travel on unchanged;
/// <see cref="Signature"/> (<c>sig</c>) travels on unchanged too, made by the origin and never by a relay.
/// </summary>
public sealed record GossipPayload(
    long Version,
    string Book,
    string? Traceparent = null,
    DateTimeOffset? PickedAt = null,
    long? Hop = null,
    IReadOnlyList<KeyValuePair<string, JsonElement>>? Extra = null,
    string? Signature = null);

/// <summary>
/// What the headers of a gossip request say beyond the gem's format. <see cref="Covered"/>: the nodes this
/// message is already being sent to (so nobody forwards to them again); <see cref="WorldHash"/>: the sender's
/// digest hash, so a receiver in the same state can skip its next anti-entropy round.
/// </summary>
public sealed record GossipHeaders(IReadOnlySet<string>? Covered, ulong? WorldHash)
{
    public static GossipHeaders None { get; } = new(null, null);
}

/// <summary>
/// What a node holds for one origin: the highest version it knows, and how it came by it. <see cref="Signature"/>
/// is the origin's <c>payload.sig</c> as received, so a repair copy carries the origin's own signature.
/// </summary>
public sealed record WorldEntry(
    long Version,
    string Book,
    string Uuid,
    DateTimeOffset? PickedAt,
    DateTimeOffset ReceivedAt,
    string? Traceparent,
    IReadOnlyList<KeyValuePair<string, JsonElement>>? Extra,
    string? Signature = null)
{
    /// <summary>
    /// This entry as a message of <paramref name="origin"/>, with the origin's uuid, time, trace, unknown keys and
    /// signature as held (never one made here: only the origin signs its own picks).
    /// </summary>
    public GossipMessage ToMessage(string origin, long ttl, long? hop) =>
        new(Uuid, origin, ttl, new GossipPayload(Version, Book, Traceparent, PickedAt, hop, Extra, Signature));
}

/// <summary>A change of the world view, as <c>GET /history/</c> lists it (docs/PROTOCOL.md, section 7).</summary>
public sealed record HistoryEvent(
    long Seq,
    string Origin,
    long Version,
    string Book,
    DateTimeOffset? PickedAt,
    DateTimeOffset ReceivedAt,
    string Uuid,
    string? From,
    long? Hop,
    string? TraceId,
    long Duplicates,
    bool Repair);

/// <summary><c>POST /digest/</c>: the caller's version per origin.</summary>
public sealed record DigestRequest(string ClientId, IReadOnlyDictionary<string, long> Versions);

/// <summary>
/// The answer: messages for what the caller lacks, and the origins the caller holds newer. <see cref="More"/>: the
/// answer was bounded and left messages out; the caller asks again.
/// </summary>
public sealed record DigestReply(IReadOnlyList<GossipMessage> Messages, IReadOnlyList<string> Wants, bool More = false);

/// <summary>Counters of one node's traffic (node-to-node requests only).</summary>
public sealed record GossipStats(
    long RequestsSent,
    long BytesSent,
    long RequestsFailed,
    long MessagesSent,
    long MessagesReceived,
    long MessagesDuplicate,
    long MessagesDropped,
    long MessagesRefused,
    long RequestsRefused);
