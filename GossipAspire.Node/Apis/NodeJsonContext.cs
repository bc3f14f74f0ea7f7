using System.Text.Json.Serialization;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Node.Apis;

/// <summary><c>GET /state/</c> (docs/PROTOCOL.md section 6).</summary>
public sealed record StateDocument(
    string Id,
    long Version,
    string Book,
    IReadOnlyList<string> Peers,
    IReadOnlyDictionary<string, WorldView> World,
    string StartedAt,
    GossipStats Stats,
    IReadOnlyList<string> GemPeers);

public sealed record WorldView(long Version, string Book, string? PickedAt, string ReceivedAt);

public sealed record PickRequest(string? Book);

public sealed record PickResult(long Version, string Book);

/// <summary><c>GET /history/</c> (docs/PROTOCOL.md section 7): where to continue, the oldest held, how many were missed.</summary>
public sealed record HistoryPage(long Next, long Oldest, long Evicted, IReadOnlyList<HistoryItem> Events);

public sealed record HistoryItem(
    long Seq,
    string Origin,
    long Version,
    string Book,
    string? PickedAt,
    string ReceivedAt,
    string Uuid,
    string? From,
    long? Hop,
    string? TraceId,
    long Duplicates,
    bool Repair);

public sealed record StatusAnswer(string Status);

/// <summary>Source-generated JSON for every document the node writes: snake_case keys, ready for Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StateDocument))]
[JsonSerializable(typeof(PickRequest))]
[JsonSerializable(typeof(PickResult))]
[JsonSerializable(typeof(HistoryPage))]
[JsonSerializable(typeof(StatusAnswer))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class NodeJsonContext : JsonSerializerContext;
