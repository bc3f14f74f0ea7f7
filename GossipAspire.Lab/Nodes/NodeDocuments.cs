namespace GossipAspire.Lab.Nodes;

/// <summary>One origin's entry in a node's world view (<c>GET /state/</c>, docs/PROTOCOL.md section 7).</summary>
public sealed record WorldEntry(long Version, string Book, DateTime? PickedAt, DateTime? ReceivedAt);

/// <summary>A node's <c>GET /state/</c> document, as far as the Lab reads it; keys it does not know are ignored.</summary>
public sealed record StateDocument(
    string Id,
    long Version,
    string Book,
    IReadOnlyList<string> Peers,
    IReadOnlyDictionary<string, WorldEntry> World,
    IReadOnlyDictionary<string, long> Stats,
    DateTime? StartedAt);

/// <summary>
/// One change of a node's world view from <c>GET /history/</c>. The keys after <c>ReceivedAt</c> are newer than
/// the first format: an older node leaves them out, and they read as null, 0 or false here.
/// </summary>
public sealed record HistoryEvent(
    long Seq,
    string Origin,
    long Version,
    string? Book,
    DateTime? PickedAt,
    DateTime? ReceivedAt,
    string? Uuid,
    string? From,
    int? Hop,
    string? TraceId,
    int Duplicates,
    bool Repair);

/// <summary>One answer of <c>GET /history/?after=</c>: the events, the seq to ask after next time, and how many were missed.</summary>
public sealed record HistoryPage(long Next, long? Oldest, long Evicted, IReadOnlyList<HistoryEvent> Events);

/// <summary>How reading a node's history went: a page, no <c>/history/</c> at all (404), or a failure.</summary>
public sealed record HistoryResult(HistoryPage? Page, bool NotSupported, string? Error)
{
    public static HistoryResult Unsupported { get; } = new(null, true, null);
}
