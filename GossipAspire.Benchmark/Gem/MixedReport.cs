using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace GossipAspire.Benchmark.Gem;

/// <summary>What one mixed-network run measured (issue 9, section 1); written as JSON (snake_case) and shown as a table.</summary>
public sealed record MixedReport
{
    public required string Name { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required MixedReportSettings Settings { get; init; }

    public required MixedMachine Machine { get; init; }

    /// <summary>From the last node started to every node holding an entry of every other; null if that never happened.</summary>
    public double? FormationSeconds { get; init; }

    public double WindowSeconds { get; init; }

    public required MixedFreshness Freshness { get; init; }

    /// <summary>The stand-in gem nodes' picks made in the window: pick to the last other node holding it.</summary>
    public required LatencyFigures GemPicks { get; init; }

    /// <summary>Our nodes' picks made in the window: pick to the last other node (gem nodes included) holding it.</summary>
    public required LatencyFigures OurPicks { get; init; }

    public required MixedTraffic Traffic { get; init; }

    public IReadOnlyList<TargetResult> Targets { get; init; } = [];

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Every pick in the window, gem nodes' and ours: when, how long to the last other node, and which that was.</summary>
    public IReadOnlyList<ChangeRecord> Changes { get; init; } = [];

    public bool Complete => Problems.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, MixedReportJsonContext.Readable.MixedReport);

    public static MixedReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, MixedReportJsonContext.Readable.MixedReport) ?? throw new JsonException("the report is null");

    /// <summary>The issue's two goals: gem observers current ≥ 95 % of the time, a gem pick everywhere within 25 s.</summary>
    public static IReadOnlyList<TargetResult> Evaluate(MixedFreshness freshness, LatencyFigures gemPicks) =>
    [
        new("gem observers hold our books", "≥ 95 %", "issue 9", Math.Round(freshness.GemsObservingOurs * 100, 3), freshness.GemsObservingOurs >= 0.95),
        new("gem pick to every node, max", "≤ 25 s", "issue 9", gemPicks.MaxMs, gemPicks.MaxMs is { } max && gemPicks.LearnedByAll == gemPicks.Changes && gemPicks.Changes > 0 ? max <= 25_000 : null),
    ];
}

public sealed record MixedReportSettings(
    int Nodes,
    int OurNodes,
    int GemNodes,
    double DurationSeconds,
    double GraceSeconds,
    double GemPushSeconds,
    double GemPickSeconds,
    double OurPickIntervalSeconds,
    string NodeCommand);

/// <summary>
/// Where it ran and how busy the machine was: all cores before the start and over the window (every process, the
/// run's own included), and the load averages at the start and the end.
/// </summary>
public sealed record MixedMachine(int Cores, string Os, string Runtime, string? Commit, double? CpuBusyBeforePercent, double? CpuBusyDuringPercent, string? LoadAverageStart, string? LoadAverageEnd);

/// <summary>
/// Time-averaged shares of (observer, origin) pairs holding the origin's current version over the window, by kind:
/// gem nodes observing ours (the issue's goal), ours observing gem nodes, and within each kind.
/// </summary>
public sealed record MixedFreshness(double GemsObservingOurs, double OursObservingGems, double OursObservingOurs, double GemsObservingGems, double All);

/// <summary>
/// Our nodes' node-to-node requests over the window and the failed ones; the stand-in gem nodes' pushes and the
/// peers they dropped for an answer other than OK; and what the gem nodes answered our nodes (every request).
/// </summary>
public sealed record MixedTraffic(
    long OurRequests,
    long OurRequestsFailed,
    long GemPushes,
    long GemPeersDropped,
    long GemAnswered404,
    long GemAnswered500,
    long GemAnsweredError);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MixedReport))]
internal sealed partial class MixedReportJsonContext : JsonSerializerContext
{
    /// <summary>Writing "≥" as it is: the file is for people too.</summary>
    public static MixedReportJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>The mixed report as a person reads it.</summary>
public static class MixedReportRenderer
{
    public static void Render(IAnsiConsole console, MixedReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Settings;
        var m = report.Machine;
        console.MarkupLine(Markup.Escape(
            $"{report.Name}: {s.OurNodes} nodes of ours and {s.GemNodes} stand-in gem nodes alternating; gem push {Seconds(s.GemPushSeconds)}, gem pick {Seconds(s.GemPickSeconds)}, our picks {Seconds(s.OurPickIntervalSeconds)}; window {Seconds(report.WindowSeconds)}"));
        console.MarkupLine("[grey]" + Markup.Escape(
            $"{s.NodeCommand}; {m.Cores} cores, {m.Runtime}, cores busy before {Number(m.CpuBusyBeforePercent, "0")}% and during {Number(m.CpuBusyDuringPercent, "0")}%, load average {m.LoadAverageStart} -> {m.LoadAverageEnd}") + "[/]");

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Metric", "Value", "Target", "Met");
        table.Columns[1].RightAligned();
        var targets = report.Targets.ToDictionary(t => t.Metric);
        var f = report.Freshness;
        Row(table, "freshness: gem nodes observing ours", Percent(f.GemsObservingOurs), targets.GetValueOrDefault("gem observers hold our books"));
        Row(table, "freshness: ours observing gem nodes", Percent(f.OursObservingGems), null);
        Row(table, "freshness: ours observing ours", Percent(f.OursObservingOurs), null);
        Row(table, "freshness: gem nodes observing gem nodes", Percent(f.GemsObservingGems), null);
        Row(table, "freshness: all pairs", Percent(f.All), null);
        var g = report.GemPicks;
        Row(table, "gem pick to every node: p50", Ms(g.P50Ms), null);
        Row(table, "gem pick to every node: max", Ms(g.MaxMs), targets.GetValueOrDefault("gem pick to every node, max"));
        Row(table, "gem picks learned by every node", $"{g.LearnedByAll} / {g.Changes}", null);
        var o = report.OurPicks;
        Row(table, "our pick to every node: p50 / max", $"{Ms(o.P50Ms)} / {Ms(o.MaxMs)}", null);
        Row(table, "our picks learned by every node", $"{o.LearnedByAll} / {o.Changes}", null);
        var t = report.Traffic;
        Row(table, "our requests (failed)", $"{t.OurRequests} ({t.OurRequestsFailed})", null);
        Row(table, "gem pushes (peers dropped)", $"{t.GemPushes} ({t.GemPeersDropped})", null);
        Row(table, "gem answers 404 / 500 / ERROR", $"{t.GemAnswered404} / {t.GemAnswered500} / {t.GemAnsweredError}", null);
        Row(table, "formation", report.FormationSeconds is { } formation ? Seconds(formation) : "never", null);
        console.Write(table);

        foreach (var problem in report.Problems)
        {
            console.MarkupLine($"[yellow]problem:[/] {Markup.Escape(problem)}");
        }
    }

    private static void Row(Table table, string metric, string value, TargetResult? target) =>
        table.AddRow(
            Markup.Escape(metric),
            Markup.Escape(value),
            Markup.Escape(target?.Target ?? string.Empty),
            target?.Met switch { true => "[green]yes[/]", false => "[red]no[/]", null when target is not null => "–", _ => string.Empty });

    private static string Percent(double share) => (share * 100).ToString("0.000", CultureInfo.InvariantCulture) + " %";

    private static string Ms(double? ms) => ms is { } v ? (v >= 1000 ? (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s" : v.ToString("0.0", CultureInfo.InvariantCulture) + " ms") : "–";

    private static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
