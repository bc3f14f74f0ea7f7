using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>One figure as the report states it, next to its target; <see cref="Met"/> is null where nothing is compared.</summary>
public sealed record Figure(string Name, string Value, string? Target = null, bool? Met = null);

/// <summary>
/// One scenario's run: its figures, the machine's load while they were taken, the command that reruns it, what went
/// wrong (a behaviour that never happened is a problem, not a slow figure), and the samples behind the figures.
/// </summary>
public sealed record ScenarioReport
{
    public required string Name { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Rerun { get; init; }

    public required LoadFigures Load { get; init; }

    public required IReadOnlyList<Figure> Figures { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    public IReadOnlyList<FreezeSample>? Freeze { get; init; }

    public IReadOnlyList<RestartSample>? Restart { get; init; }

    public FloodResult? Flood { get; init; }

    public HostileResult? Hostile { get; init; }

    public IReadOnlyList<StartupSample>? Startup { get; init; }

    public bool Complete => Problems.Count == 0;
}

/// <summary>A reliability run: where it ran and each scenario's report.</summary>
public sealed record ReliabilityReport(MachineInfo Machine, string NodeCommand, int Nodes, IReadOnlyList<ScenarioReport> Scenarios)
{
    public string ToJson() => JsonSerializer.Serialize(this, ReliabilityJsonContext.Readable.ReliabilityReport);

    public static ReliabilityReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, ReliabilityJsonContext.Readable.ReliabilityReport) ?? throw new JsonException("the report is null");
}

/// <summary>How figures read: seconds to the millisecond, medians with their range and sample count.</summary>
public static class FigureText
{
    public static string Seconds(double? seconds) =>
        seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.000} s") : "never (deadline passed)";

    public static string Milliseconds(double? ms) =>
        ms is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m:0.0} ms") : "–";

    /// <summary>"0.123 s" for one sample; "median 0.123 s (0.100-0.200, 3 runs)" for several; misses counted.</summary>
    public static string MedianSeconds(IReadOnlyList<double?> samples)
    {
        var values = samples.Where(s => s is not null).Select(s => s!.Value).ToList();
        var missed = samples.Count - values.Count;
        var missing = missed > 0 ? $", {missed} of {samples.Count} never" : "";
        return values.Count switch
        {
            0 => $"never ({samples.Count} runs)",
            1 when samples.Count == 1 => Seconds(values[0]),
            _ => string.Create(CultureInfo.InvariantCulture, $"median {Statistics.Median(values):0.000} s ({values.Min():0.000}-{values.Max():0.000}, {samples.Count} runs{missing})"),
        };
    }

    public static double? Median(IReadOnlyList<double?> samples)
    {
        var values = samples.Where(s => s is not null).Select(s => s!.Value).ToList();
        return values.Count > 0 ? Statistics.Median(values) : null;
    }

    public static string Load(LoadFigures load) => string.Create(CultureInfo.InvariantCulture,
        $"machine: load average {load.LoadAverageStart:0.0} -> {load.LoadAverageEnd:0.0}, cores busy {load.CoresBusyPercent:0}%{(load.OthersPercent is { } others ? string.Create(CultureInfo.InvariantCulture, $" (other processes {others:0}%)") : "")}");

    internal static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ReliabilityReport))]
internal sealed partial class ReliabilityJsonContext : JsonSerializerContext
{
    /// <summary>Writes "≤ 1 s" and "->" as they are: the file is for people too.</summary>
    public static ReliabilityJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
