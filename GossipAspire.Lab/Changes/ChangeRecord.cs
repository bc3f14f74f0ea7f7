namespace GossipAspire.Lab.Changes;

/// <summary>How one node got a change: its first copy (from whom, after how many hops, when) and the copies after it.</summary>
public sealed record Receipt(string Node, long Seq, DateTime? ReceivedAt, string? From, int? Hop, int Duplicates, bool Repair);

/// <summary>
/// One book change (one origin's pick) as the Lab has collected it from the nodes' histories: one receipt per
/// node that holds it. Immutable: the <see cref="ChangeLog"/> hands out a new one when a receipt changes.
/// </summary>
public sealed record ChangeRecord(
    string Id,
    string? Uuid,
    string Origin,
    long Version,
    string? Book,
    DateTime? PickedAt,
    string? TraceId,
    DateTime FirstSeen,
    IReadOnlyList<Receipt> Receipts)
{
    /// <summary>The pick counter: the low 20 bits of the version (docs/PROTOCOL.md section 6).</summary>
    public long Counter => Version & 0xFFFFF;

    public int Duplicates => Receipts.Sum(r => r.Duplicates);

    public DateTime? LastReceivedAt => Receipts.Max(r => r.ReceivedAt);

    /// <summary>From the pick to the last node's first copy; null without a pick time.</summary>
    public TimeSpan? TimeToLastNode => PickedAt is { } picked && LastReceivedAt is { } last ? Max(last - picked, TimeSpan.Zero) : null;

    /// <summary>When the change happened, for ordering: the pick, else the first receipt, else when the Lab first saw it.</summary>
    public DateTime Time => PickedAt ?? Receipts.Min(r => r.ReceivedAt) ?? FirstSeen;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
