using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GossipAspire.Benchmark;

/// <summary>Everything one run measured; written as JSON (snake_case) and shown as a table.</summary>
public sealed record BenchmarkReport
{
    public required string Name { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required ReportSettings Settings { get; init; }

    public required MachineInfo Machine { get; init; }

    /// <summary>From the first node launched to the last one answering /health.</summary>
    public double ClusterStartSeconds { get; init; }

    /// <summary>From every node healthy to every node holding every other node's current version.</summary>
    public double? ConvergenceSeconds { get; init; }

    /// <summary>From the first timed pick to the last change known everywhere (or the give-up).</summary>
    public double MeasurementSeconds { get; init; }

    public required LatencyFigures Latency { get; init; }

    public required TrafficFigures Traffic { get; init; }

    public required FreshnessFigures Freshness { get; init; }

    public required NodeFigures Rss { get; init; }

    public required NodeFigures Startup { get; init; }

    public IReadOnlyList<TargetResult> Targets { get; init; } = [];

    /// <summary>What went wrong, if anything: a change some node never learned, a node that died, ...</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public IReadOnlyList<ChangeRecord> Changes { get; init; } = [];

    /// <summary>True when every timed change reached every node and nothing went wrong.</summary>
    public bool Complete => Problems.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Readable.BenchmarkReport);

    public static BenchmarkReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReportJsonContext.Readable.BenchmarkReport) ?? throw new JsonException("the report is null");
}

public sealed record ReportSettings(
    int Nodes,
    int Changes,
    double DelayMs,
    bool DrivesPicks,
    double? PickIntervalMs,
    double PickEveryMs,
    bool Aot,
    string NodeCommand,
    int RandomSeed,
    int WarmupPicks);

/// <summary>
/// Where it ran. The machine may be shared: <see cref="CpuBusyBeforePercent"/> is how busy all cores were in the
/// second before the nodes started, and <see cref="OtherCpuPercent"/> the share of all cores that processes other
/// than the nodes and the benchmark used while it measured. A few percent is the machine's own background.
/// </summary>
public sealed record MachineInfo(int Cores, string Os, string Runtime, string? Commit, double? CpuBusyBeforePercent, double? OtherCpuPercent);

/// <summary>Pick to last node learning it, in milliseconds, over the changes every node learned.</summary>
public sealed record LatencyFigures(int Changes, int LearnedByAll, double? P50Ms, double? P99Ms, double? MaxMs, double? MeanMs);

/// <summary>
/// Node-to-node traffic during the measurement, summed over all nodes, and per change; with the CPU time all
/// nodes used together over the same span, per change (null where it could not be read).
/// </summary>
public sealed record TrafficFigures(
    long Requests,
    long Bytes,
    long Messages,
    long RequestsFailed,
    long MessagesDuplicate,
    long MessagesDropped,
    double RequestsPerChange,
    double BytesPerChange,
    double MessagesPerChange,
    double? CpuMsPerChange = null);

/// <summary>Time-averaged share of fresh (observer, origin) pairs over the measurement window.</summary>
public sealed record FreshnessFigures(double Share, double WindowSeconds, string Method);

/// <summary>One figure per node (RSS in MiB, start-up in ms): median, maximum, and each node's value by id.</summary>
public sealed record NodeFigures(double? Median, double? Max, IReadOnlyDictionary<string, double> PerNode)
{
    public static NodeFigures From(IReadOnlyDictionary<string, double> perNode) =>
        perNode.Count == 0
            ? new NodeFigures(null, null, perNode)
            : new NodeFigures(Statistics.Median([.. perNode.Values]), perNode.Values.Max(), perNode);
}

public sealed record ChangeRecord(string Origin, long Version, DateTimeOffset? PickedAt, double? LatencyMs, int LearnedBy, string? LastNode);

/// <summary>A goal next to the measured value. <see cref="Met"/> is null when there is nothing to compare.</summary>
public sealed record TargetResult(string Metric, string Target, string Source, double? Value, bool? Met);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchmarkReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext
{
    /// <summary>The same, writing "< 50 ms" and "≤" as they are instead of \u003C escapes: the file is for people too.</summary>
    public static ReportJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
