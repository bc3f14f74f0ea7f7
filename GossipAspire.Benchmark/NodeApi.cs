using System.Text.Json.Serialization;

namespace GossipAspire.Benchmark;

// The tool API of a node (docs/PROTOCOL.md, section 6), as far as the benchmark reads it. Unknown keys are
// ignored, so a node that adds keys does not break the benchmark.

/// <summary><c>GET /state/</c>.</summary>
public sealed record NodeState(
    string Id,
    long Version,
    string? Book,
    IReadOnlyList<string>? Peers,
    IReadOnlyDictionary<string, WorldEntry>? World,
    DateTimeOffset? StartedAt,
    NodeStats? Stats);

/// <summary>What one node knows of one origin.</summary>
public sealed record WorldEntry(long Version, string? Book, DateTimeOffset? PickedAt, DateTimeOffset? ReceivedAt);

/// <summary>Counters of outgoing node-to-node traffic since the node started.</summary>
public sealed record NodeStats(
    long RequestsSent,
    long BytesSent,
    long RequestsFailed,
    long MessagesSent,
    long MessagesReceived,
    long MessagesDuplicate,
    long MessagesDropped)
{
    public static NodeStats Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public NodeStats Add(NodeStats other) => new(
        RequestsSent + other.RequestsSent,
        BytesSent + other.BytesSent,
        RequestsFailed + other.RequestsFailed,
        MessagesSent + other.MessagesSent,
        MessagesReceived + other.MessagesReceived,
        MessagesDuplicate + other.MessagesDuplicate,
        MessagesDropped + other.MessagesDropped);

    public NodeStats Subtract(NodeStats other) => new(
        RequestsSent - other.RequestsSent,
        BytesSent - other.BytesSent,
        RequestsFailed - other.RequestsFailed,
        MessagesSent - other.MessagesSent,
        MessagesReceived - other.MessagesReceived,
        MessagesDuplicate - other.MessagesDuplicate,
        MessagesDropped - other.MessagesDropped);
}

/// <summary>Body of <c>POST /pick/</c>; an empty object lets the node choose.</summary>
public sealed record PickRequest([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Book);

/// <summary>Answer of <c>POST /pick/</c>.</summary>
public sealed record PickResult(long Version, string? Book);

/// <summary><c>GET /history/?after=SEQ</c>.</summary>
public sealed record HistoryPage(long Next, IReadOnlyList<HistoryEvent>? Events);

/// <summary>
/// One change of a node's world view: it came to hold <see cref="Version"/> of <see cref="Origin"/>.
/// <see cref="PickedAt"/> is null for a version that came without one (from a peer that does not stamp picks);
/// <see cref="Repair"/> is true when anti-entropy brought it (null from a node that does not say).
/// </summary>
public sealed record HistoryEvent(long Seq, string Origin, long Version, DateTimeOffset? PickedAt, DateTimeOffset ReceivedAt, bool? Repair = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(NodeState))]
[JsonSerializable(typeof(PickRequest))]
[JsonSerializable(typeof(PickResult))]
[JsonSerializable(typeof(HistoryPage))]
internal sealed partial class NodeApiJsonContext : JsonSerializerContext;
