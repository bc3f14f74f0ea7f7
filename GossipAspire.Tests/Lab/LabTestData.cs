using GossipAspire.Lab.Monitoring;
using GossipAspire.Lab.Nodes;

namespace GossipAspire.Tests.Lab;

/// <summary>Builds the Lab's inputs for unit tests: nodes as a poll finds them, history events as a node gives them.</summary>
public static class LabTestData
{
    public const long Generation = 1_967_432_190L << 20;
    public static readonly DateTime PickedAt = new(2026, 11, 24, 19, 0, 0, DateTimeKind.Utc);

    /// <summary>A reachable node with its own version and what it holds of others (origin → counter).</summary>
    public static NodeInfo NodeAt(string id, long counter, IDictionary<string, long>? holds = null, string? resource = null, params string[] peers)
    {
        var world = (holds ?? new Dictionary<string, long>()).ToDictionary(h => h.Key, h => new WorldEntry(Generation + h.Value, $"Book {h.Value}", PickedAt, PickedAt));
        world[id] = new WorldEntry(Generation + counter, $"Book {counter}", PickedAt, PickedAt);
        return new NodeInfo
        {
            Url = $"http://127.0.0.1:{id}",
            Id = id,
            ResourceName = resource,
            Reachable = true,
            Version = Generation + counter,
            Book = $"Book {counter}",
            Peers = peers,
            World = world,
            History = HistoryAvailability.Reading,
        };
    }

    public static NodeInfo Down(string id, string? resource = null) =>
        new() { Url = $"http://127.0.0.1:{id}", Id = id, ResourceName = resource, Error = "connection refused" };

    public static HistoryEvent Event(long seq, string origin, long counter, string? uuid, string? from, int? hop, double afterPickMs, int duplicates = 0, bool repair = false, string? traceId = null) =>
        new(seq, origin, Generation + counter, "Kim by Rudyard Kipling", PickedAt, PickedAt.AddMilliseconds(afterPickMs), uuid, from, hop, traceId, duplicates, repair);
}
