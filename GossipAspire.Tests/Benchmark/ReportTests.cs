using System.Text.Json;
using GossipAspire.Benchmark;
using Spectre.Console;

namespace GossipAspire.Tests.Benchmark;

public sealed class ReportTests
{
    [Fact]
    public void Build_FromMeasurement_FillsEveryFigure()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 3, Changes = 4 });

        Assert.Equal("3-nodes", report.Name);
        Assert.Equal(4, report.Latency.Changes);
        Assert.Equal(4, report.Latency.LearnedByAll);
        Assert.Equal(15, report.Latency.P50Ms!.Value, 9);
        Assert.Equal(40, report.Latency.MaxMs);
        Assert.Equal(2.0, report.Traffic.RequestsPerChange, 9);
        Assert.Equal(500, report.Traffic.BytesPerChange, 9);
        Assert.Equal(0.9995, report.Freshness.Share);
        Assert.Equal(2.0, report.Freshness.WindowSeconds, 9);
        Assert.Equal(60, report.Rss.Median);
        Assert.Equal(80, report.Rss.Max);
        Assert.Equal(300, report.Startup.Median);
        Assert.Equal(400, report.Startup.Max);
        Assert.True(report.Complete);
        Assert.Equal(4, report.Changes.Count);
        Assert.NotEmpty(report.Targets);
    }

    [Fact]
    public void Json_UsesSnakeCaseAndRoundTrips()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 3, Changes = 4, Delay = TimeSpan.FromMilliseconds(100) });

        var json = report.ToJson();
        var back = BenchmarkReport.FromJson(json);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(15, root.GetProperty("latency").GetProperty("p50_ms").GetDouble(), 9);
        Assert.Equal(2.0, root.GetProperty("traffic").GetProperty("requests_per_change").GetDouble(), 9);
        Assert.Equal(100, root.GetProperty("settings").GetProperty("delay_ms").GetDouble());
        Assert.True(root.GetProperty("complete").GetBoolean());
        Assert.Contains("\"< 250 ms\"", json, StringComparison.Ordinal);
        Assert.Equal(report.Latency, back.Latency);
        Assert.Equal(report.Traffic, back.Traffic);
        Assert.Equal(report.Rss.PerNode, back.Rss.PerNode);
        Assert.Equal(report.Targets, back.Targets);
        Assert.Equal(report.Changes, back.Changes);
    }

    [Fact]
    public void Targets_NoDelay_AreP99RequestsAndFreshness()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 3, Changes = 4 });

        var targets = report.Targets;

        Assert.Equal(["latency p99", "requests per change", "freshness"], targets.Select(t => t.Metric));
        Assert.All(targets, t => Assert.Equal(Targets.Ours, t.Source));
        Assert.True(targets[0].Met);      // p99 ≈ 39.7 ms < 50 ms
        Assert.True(targets[1].Met);      // 2 ≤ 1.2 × 2
        Assert.True(targets[2].Met);      // 99.95 % ≥ 99.9 %
    }

    [Fact]
    public void Targets_HundredMillisecondDelay_AreMedianMaxRequestsAndMaelstrom()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 25, Changes = 4, Delay = TimeSpan.FromMilliseconds(100) }, latencies: [200, 260, 300, 420]);

        var ours = report.Targets.Where(t => t.Source == Targets.Ours).ToList();
        var maelstrom = report.Targets.Where(t => t.Source == Targets.Maelstrom).ToList();

        Assert.Equal(["latency median", "latency max", "requests per change"], ours.Select(t => t.Metric));
        Assert.Equal("< 250 ms", ours[0].Target);
        Assert.False(ours[0].Met);        // median 280 ms
        Assert.Equal("< 400 ms", ours[1].Target);
        Assert.False(ours[1].Met);        // max 420 ms
        Assert.True(ours[2].Met);         // 2 ≤ 1.2 × 24
        Assert.Equal(["< 400 ms", "< 600 ms", "< 30"], maelstrom.Select(t => t.Target));
        Assert.All(maelstrom, t => Assert.True(t.Met));
    }

    [Fact]
    public void Targets_NoLatencyMeasured_AreNotApplicable()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 3, Changes = 4 }, latencies: []);

        Assert.Null(report.Targets.Single(t => t.Metric == "latency p99").Met);
    }

    [Fact]
    public void Build_ChangeNotLearnedByAll_IsLeftOutOfLatencyAndReportIsIncomplete()
    {
        var settings = new BenchmarkSettings { Nodes = 3, Changes = 2 };
        var measurement = Measurement(
            [
                new ChangeOutcome("1", 1, DateTimeOffset.UnixEpoch, 10, 2, 2, "3"),
                new ChangeOutcome("2", 1, DateTimeOffset.UnixEpoch, null, 1, 2, "3"),
            ],
            problems: ["change 2 v1 reached 1 of 2 other nodes"]);

        var report = BenchmarkRunner.Build(settings, s_command, DateTimeOffset.UnixEpoch, 1, measurement, s_rss, s_startup, measurement.Problems);

        Assert.Equal(2, report.Latency.Changes);
        Assert.Equal(1, report.Latency.LearnedByAll);
        Assert.Equal(10, report.Latency.MaxMs);
        Assert.False(report.Complete);
    }

    [Fact]
    public void Render_ShowsFiguresTargetsAndProblems()
    {
        var report = Sample(new BenchmarkSettings { Nodes = 25, Changes = 4, Delay = TimeSpan.FromMilliseconds(100) }, latencies: [200, 260, 300, 420])
            with
        { Problems = ["node 20001 exited with code 1"] };
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;

        ReportRenderer.Render(console, report);

        var text = writer.ToString();
        Assert.Contains("25-nodes-delay-100ms", text, StringComparison.Ordinal);
        Assert.Contains("latency p50", text, StringComparison.Ordinal);
        Assert.Contains("280 ms", text, StringComparison.Ordinal);
        Assert.Contains("< 250 ms", text, StringComparison.Ordinal);
        Assert.Contains("< 600 ms (Maelstrom 3e)", text, StringComparison.Ordinal);
        Assert.Contains("requests per change", text, StringComparison.Ordinal);
        Assert.Contains("freshness", text, StringComparison.Ordinal);
        Assert.Contains("RSS per node", text, StringComparison.Ordinal);
        Assert.Contains("60.0 / 80.0 MiB", text, StringComparison.Ordinal);
        Assert.Contains("start-up to /health", text, StringComparison.Ordinal);
        Assert.Contains("no", text, StringComparison.Ordinal);
        Assert.Contains("best public", text, StringComparison.Ordinal);
        Assert.Contains("problem: node 20001 exited with code 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputPath_GivenOut_IsThatPathMadeAbsolute()
    {
        var path = BenchmarkRunner.OutputPath(new BenchmarkSettings { Out = "results/mine.json" });

        Assert.True(Path.IsPathRooted(path));
        Assert.EndsWith(Path.Combine("results", "mine.json"), path, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputPath_NoOut_IsNamedAfterTheRun()
    {
        var path = BenchmarkRunner.OutputPath(new BenchmarkSettings { Nodes = 25, Delay = TimeSpan.FromMilliseconds(100) });

        Assert.Equal("25-nodes-delay-100ms.json", Path.GetFileName(path));
        Assert.Equal("results", Path.GetFileName(Path.GetDirectoryName(path)));
    }

    private static readonly NodeCommand s_command = new("dotnet", ["GossipAspire.Node.dll"], "dotnet GossipAspire.Node.dll");

    private static readonly Dictionary<string, double> s_rss = new() { ["1"] = 50, ["2"] = 60, ["3"] = 80 };

    private static readonly Dictionary<string, double> s_startup = new() { ["1"] = 200, ["2"] = 300, ["3"] = 400 };

    private static BenchmarkReport Sample(BenchmarkSettings settings, double[]? latencies = null)
    {
        latencies ??= [10, 20, 5, 40];
        var changes = latencies.Select((l, i) => new ChangeOutcome("1", i + 1, DateTimeOffset.UnixEpoch.AddSeconds(i), l, settings.Nodes - 1, settings.Nodes - 1, "3")).ToList();
        var measurement = Measurement(changes, changesInWindow: 4);
        return BenchmarkRunner.Build(settings, s_command, DateTimeOffset.UnixEpoch, 1.5, measurement, s_rss, s_startup, []);
    }

    private static Measurement Measurement(IReadOnlyList<ChangeOutcome> changes, int changesInWindow = 2, IReadOnlyList<string>? problems = null) =>
        new(
            ConvergenceSeconds: 0.5,
            WindowStart: DateTimeOffset.UnixEpoch,
            WindowEnd: DateTimeOffset.UnixEpoch.AddSeconds(2),
            MeasurementSeconds: 2.5,
            Changes: changes,
            ChangesInWindow: changesInWindow,
            Traffic: new NodeStats(RequestsSent: 2 * changesInWindow, BytesSent: 500 * changesInWindow, RequestsFailed: 0, MessagesSent: 2 * changesInWindow, MessagesReceived: 0, MessagesDuplicate: 0, MessagesDropped: 0),
            Freshness: 0.9995,
            Problems: problems ?? []);
}
