using System.Globalization;
using Spectre.Console;

namespace GossipAspire.Benchmark;

/// <summary>The report as a person reads it: one table of figures with their targets, then any problems.</summary>
public static class ReportRenderer
{
    public static void Render(IAnsiConsole console, BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Settings;
        var picks = s.DrivesPicks
            ? $"benchmark picks every {Ms(s.PickEveryMs)} at random nodes (seed {s.RandomSeed})"
            : $"nodes pick every {Ms(s.PickIntervalMs)}";
        console.MarkupLine(
            $"[bold]{Markup.Escape(report.Name)}[/]: {s.Nodes} nodes, {report.Latency.Changes} changes, delay {(s.DelayMs > 0 ? Ms(s.DelayMs) : "none")}, {Markup.Escape(picks)}{(s.Aot ? ", Native AOT" : string.Empty)}");
        console.MarkupLine(
            $"[grey]{Markup.Escape(s.NodeCommand)}; {report.Machine.Cores} cores, {Markup.Escape(report.Machine.Runtime)}, cores busy before start {Number(report.Machine.CpuBusyBeforePercent, "0")}%, other processes while measuring {Number(report.Machine.OtherCpuPercent, "0.0")}%[/]");

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Metric", "Value", "Target", "Met");
        table.Columns[1].RightAligned();
        var targets = report.Targets.ToLookup(t => t.Metric);

        var l = report.Latency;
        AddRow(table, "latency p50", Ms(l.P50Ms), targets["latency median"]);
        AddRow(table, "latency p99", Ms(l.P99Ms), targets["latency p99"]);
        AddRow(table, "latency max", Ms(l.MaxMs), targets["latency max"]);
        AddRow(table, "changes learned by all", $"{l.LearnedByAll} / {l.Changes}", []);

        var t = report.Traffic;
        AddRow(table, "requests per change", Number(t.RequestsPerChange, "0.0"), targets["requests per change"]);
        AddRow(table, "bytes per change", Number(t.BytesPerChange, "#,0"), []);
        AddRow(table, "messages per change", Number(t.MessagesPerChange, "0.0"), []);
        AddRow(table, "CPU per change (all nodes)", t.CpuMsPerChange is null ? "–" : Ms(t.CpuMsPerChange), []);
        AddRow(table, "requests failed", t.RequestsFailed.ToString(CultureInfo.InvariantCulture), []);
        AddRow(table, "freshness", Number(report.Freshness.Share * 100, "0.000") + " %", targets["freshness"]);
        AddRow(table, "RSS per node (median / max)", $"{Number(report.Rss.Median, "0.0")} / {Number(report.Rss.Max, "0.0")} MiB", []);
        AddRow(table, "start-up to /health (median / max)", $"{Ms(report.Startup.Median)} / {Ms(report.Startup.Max)}", []);
        AddRow(table, "cluster start, convergence", $"{Number(report.ClusterStartSeconds, "0.0")} s, {Number(report.ConvergenceSeconds, "0.00")} s", []);
        console.Write(table);

        if (s.DelayMs > 0)
        {
            console.MarkupLine($"[grey]{Markup.Escape(Targets.MaelstromReference)}[/]");
        }

        foreach (var problem in report.Problems)
        {
            console.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
        }
    }

    private static void AddRow(Table table, string metric, string value, IEnumerable<TargetResult> targets)
    {
        var list = targets.ToList();
        var target = string.Join(Environment.NewLine, list.Select(t => t.Source == Targets.Ours ? t.Target : $"{t.Target} ({t.Source})"));
        var met = string.Join(Environment.NewLine, list.Select(t => t.Met switch
        {
            true => "[green]yes[/]",
            false => "[red]no[/]",
            null => "[grey]n/a[/]",
        }));
        table.AddRow(new Markup(Markup.Escape(metric)), new Markup(Markup.Escape(value)), new Markup(Markup.Escape(target)), new Markup(met));
    }

    private static string Ms(double? value) =>
        value is { } v ? v.ToString(v >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms" : "–";

    private static string Number(double? value, string format) =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
}
