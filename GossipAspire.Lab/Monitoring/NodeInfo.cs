using GossipAspire.Lab.Nodes;

namespace GossipAspire.Lab.Monitoring;

/// <summary>How reading a node's <c>/history/</c> stands.</summary>
public enum HistoryAvailability
{
    /// <summary>Not read yet (the node has not answered <c>/state/</c>).</summary>
    Unknown,

    /// <summary>Read on every poll.</summary>
    Reading,

    /// <summary>The node has no <c>/history/</c> (an older node, or the Ruby gem): no propagation data from it.</summary>
    NotSupported,

    /// <summary>The last read failed.</summary>
    Failing,
}

/// <summary>What one poll found at one node: its <c>/state/</c> document (when it answered) and how its history reads.</summary>
public sealed record NodeInfo
{
    public required string Url { get; init; }

    /// <summary>The node's own id; the URL's default id until the node has answered.</summary>
    public required string Id { get; init; }

    /// <summary>The AppHost resource this node is (from <c>services:{name}:http:0</c>), if any.</summary>
    public string? ResourceName { get; init; }

    public bool Reachable { get; init; }

    public string? Error { get; init; }

    public long Version { get; init; }

    public string Book { get; init; } = "";

    public IReadOnlyList<string> Peers { get; init; } = [];

    public IReadOnlyDictionary<string, WorldEntry> World { get; init; } = new Dictionary<string, WorldEntry>();

    public IReadOnlyDictionary<string, long> Stats { get; init; } = new Dictionary<string, long>();

    public DateTime? StartedAt { get; init; }

    public HistoryAvailability History { get; init; }

    public string? HistoryError { get; init; }

    /// <summary>History events the node evicted before the Lab read them (so changes it cannot show fully).</summary>
    public long HistoryEventsMissed { get; init; }

    /// <summary>How the node is named in links and headings: its resource name, else its id.</summary>
    public string Name => ResourceName ?? Id;

    public string Label => ResourceName is null ? Id : $"{ResourceName} ({Id})";
}
