using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// The <c>reliability</c> command: gets a node to run, then runs each scenario asked for on a fresh cluster (every
/// node stopped on the way out), prints its figures with the machine's load and the command that reruns it, and
/// writes <c>results/reliability-SCENARIO.json</c>.
/// </summary>
public static class ReliabilityRunner
{
    private static readonly TimeSpan s_oneSecond = TimeSpan.FromSeconds(1);

    public static Task<int> RunAsync(ReliabilitySettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        CommandShell.RunAsync(console, "reliability run", async log =>
        {
            var command = await NodeCommandAsync(settings, log, cancellationToken);
            var complete = true;
            foreach (var scenario in settings.Scenarios)
            {
                if (settings.WaitQuiet)
                {
                    await WaitQuietAsync(log, cancellationToken);
                }

                var report = await RunScenarioAsync(scenario, command, settings, log, cancellationToken);
                var whole = new ReliabilityReport(Machine(), command.Description, settings.Nodes, [report]);
                await CommandShell.WriteReportAsync(console, OutputPath(settings, scenario), whole.ToJson(), c => Render(c, report));
                complete &= report.Complete;
            }

            return complete;
        }, cancellationToken);

    /// <summary>Runs one scenario on a fresh cluster (start-up starts its own, once per run) and reports it.</summary>
    public static async Task<ScenarioReport> RunScenarioAsync(string scenario, NodeCommand command, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var rerun = ReliabilityCli.CommandLine(settings, scenario);
        if (scenario == ReliabilitySettings.Startup)
        {
            var meter = new LoadMeter(null); // clusters come and go: the nodes' CPU cannot be told from others'
            var samples = new List<StartupSample>();
            for (var run = 0; run < settings.StartupRuns; run++)
            {
                samples.Add(await StartupScenario.RunAsync(command, settings, log, cancellationToken));
            }

            return Startup(samples, meter.Stop(), startedAt, rerun);
        }

        await using var cluster = await LocalCluster.StartAsync(command, settings.Cluster(), log, cancellationToken);
        var load = new LoadMeter(cluster.CpuSeconds);
        var report = scenario switch
        {
            ReliabilitySettings.Freeze => Freeze(await RepeatAsync(settings, victim => FreezeScenario.RunAsync(cluster, victim, settings, log, cancellationToken)), load.Stop(), startedAt, rerun),
            ReliabilitySettings.Restart => Restart(await RepeatAsync(settings, victim => RestartScenario.RunAsync(cluster, victim, settings, log, cancellationToken)), load.Stop(), startedAt, rerun),
            ReliabilitySettings.Flood => Flood(await FloodScenario.RunAsync(cluster, settings, log, cancellationToken), load.Stop(), startedAt, rerun),
            ReliabilitySettings.Hostile => Hostile(await HostileScenario.RunAsync(cluster, settings, log, cancellationToken), load.Stop(), startedAt, rerun),
            _ => throw new BenchmarkException($"no scenario '{scenario}'"),
        };
        return report with { Problems = [.. report.Problems, .. cluster.Casualties()] };
    }

    /// <summary>One sample per run, each at another node (never the first, which every other joined through).</summary>
    private static async Task<List<T>> RepeatAsync<T>(ReliabilitySettings settings, Func<int, Task<T>> sample)
    {
        var samples = new List<T>();
        for (var run = 0; run < settings.Runs; run++)
        {
            samples.Add(await sample(1 + (run * 3 % (settings.Nodes - 1))));
        }

        return samples;
    }

    private static ScenarioReport Freeze(IReadOnlyList<FreezeSample> samples, LoadFigures load, DateTimeOffset startedAt, string rerun)
    {
        var caughtUp = samples.Select(s => s.CaughtUpSeconds).ToList();
        var back = samples.Select(s => s.BackInEveryListSeconds).ToList();
        var problems = new List<string>();
        problems.AddRange(samples.Where(s => s.CaughtUpSeconds is null).Select(s => $"node {s.Node} never held every current version after SIGCONT"));
        problems.AddRange(samples.Where(s => s.BackInEveryListSeconds is null).Select(s => $"node {s.Node} was never back in every peer list after SIGCONT"));
        return new ScenarioReport
        {
            Name = ReliabilitySettings.Freeze,
            StartedAt = startedAt,
            Rerun = rerun,
            Load = load,
            Problems = problems,
            Freeze = samples,
            Figures =
            [
                new("frozen (SIGSTOP)", string.Create(CultureInfo.InvariantCulture, $"{Statistics.Median([.. samples.Select(s => s.FrozenSeconds)]):0.0} s, {Statistics.Median([.. samples.Select(s => (double)s.PicksWhileFrozen)]):0} picks elsewhere meanwhile")),
                new("peers that had dropped it", string.Join(", ", samples.Select(s => $"{s.DroppedBy} of {s.Peers}"))),
                new("holds every current version after SIGCONT", FigureText.MedianSeconds(caughtUp), "≤ 1 s", Within(caughtUp, s_oneSecond)),
                new("back in every peer list after SIGCONT", FigureText.MedianSeconds(back), "yes", back.All(b => b is not null)),
            ],
        };
    }

    private static ScenarioReport Restart(IReadOnlyList<RestartSample> samples, LoadFigures load, DateTimeOffset startedAt, string rerun)
    {
        var caughtUp = samples.Select(s => s.CaughtUpSeconds).ToList();
        var problems = new List<string>();
        problems.AddRange(samples.Where(s => s.CaughtUpSeconds is null).Select(s => $"node {s.Node} never caught up after its restart"));
        problems.AddRange(samples.Where(s => !s.NextPickWins).Select(s => $"node {s.Node}: its next pick v{s.NextVersion} did not win everywhere (before the kill: v{s.VersionBefore})"));
        return new ScenarioReport
        {
            Name = ReliabilitySettings.Restart,
            StartedAt = startedAt,
            Rerun = rerun,
            Load = load,
            Problems = problems,
            Restart = samples,
            Figures =
            [
                new("launch to /health", FigureText.MedianSeconds([.. samples.Select(s => (double?)s.StartSeconds)])),
                new("launch to holding every current version", FigureText.MedianSeconds(caughtUp), "catches up", caughtUp.All(c => c is not null)),
                new("its next pick wins everywhere", $"{samples.Count(s => s.NextPickWins)} of {samples.Count}", "all", samples.All(s => s.NextPickWins)),
                new("its next pick held by every node after", FigureText.MedianSeconds([.. samples.Select(s => s.NextPickSpreadSeconds)])),
            ],
        };
    }

    private static ScenarioReport Flood(FloodResult flood, LoadFigures load, DateTimeOffset startedAt, string rerun)
    {
        var problems = new List<string>(flood.PickFailures.Take(20));
        if (flood.NodeRequestsFailed != 0)
        {
            problems.Add($"{flood.NodeRequestsFailed} node-to-node requests failed during the flood");
        }

        if (flood.AgreeSeconds is null)
        {
            problems.Add("the nodes never agreed after the flood");
        }

        var rssStart = Statistics.Median([.. flood.RssStartMiB.Values]);
        var rssEnd = Statistics.Median([.. flood.RssEndMiB.Values]);
        return new ScenarioReport
        {
            Name = ReliabilitySettings.Flood,
            StartedAt = startedAt,
            Rerun = rerun,
            Load = load,
            Problems = problems,
            Flood = flood,
            Figures =
            [
                new("picks", string.Create(CultureInfo.InvariantCulture, $"{flood.Picks} at {flood.RatePerSecond:0.0} a second")),
                new("pick requests failed", flood.PickFailures.Count.ToString(CultureInfo.InvariantCulture), "0", flood.PickFailures.Count == 0),
                new("node-to-node requests failed", string.Create(CultureInfo.InvariantCulture, $"{flood.NodeRequestsFailed} of {flood.NodeRequests}"), "0", flood.NodeRequestsFailed == 0),
                new("all agree after the last pick", FigureText.Seconds(flood.AgreeSeconds), "≤ 1 s", flood.AgreeSeconds <= 1),
                new("RSS per node, start -> end (median)", string.Create(CultureInfo.InvariantCulture, $"{rssStart:0.0} -> {rssEnd:0.0} MiB (max {flood.RssStartMiB.Values.Max():0.0} -> {flood.RssEndMiB.Values.Max():0.0})"), "flat"),
                new("  median RSS over the flood", string.Join(", ", flood.RssOverTime.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.MedianMiB:0}@{r.Seconds:0}s")))),
            ],
        };
    }

    private static ScenarioReport Hostile(HostileResult hostile, LoadFigures load, DateTimeOffset startedAt, string rerun)
    {
        var problems = new List<string>(hostile.PickFailures.Take(20));
        if (hostile.DroppedSeconds is null)
        {
            problems.Add("fake ids were still in some peer list at the deadline");
        }

        if (hostile.PicksLearnedByAll < hostile.Picks)
        {
            problems.Add($"only {hostile.PicksLearnedByAll} of {hostile.Picks} real picks reached every real node");
        }

        return new ScenarioReport
        {
            Name = ReliabilitySettings.Hostile,
            StartedAt = startedAt,
            Rerun = rerun,
            Load = load,
            Problems = problems,
            Hostile = hostile,
            Figures =
            [
                new("fake ids fed", string.Create(CultureInfo.InvariantCulture, $"{hostile.FakePeers} in {hostile.FeedSeconds:0.00} s ({hostile.EnvelopesNotOk} envelopes not answered 200)")),
                new("fake origins every node took as news", hostile.FakeOriginsHeldByEvery.ToString(CultureInfo.InvariantCulture)),
                new("most fake ids in one peer list at once", hostile.PeakFakePeers.ToString(CultureInfo.InvariantCulture)),
                new("real picks reaching every real node", $"{hostile.PicksLearnedByAll} of {hostile.Picks}", "all", hostile.PicksLearnedByAll == hostile.Picks),
                new("  pick to the last real node, median / max", $"{FigureText.Milliseconds(hostile.PickMedianMs)} / {FigureText.Milliseconds(hostile.PickMaxMs)}", "≤ 1 s", hostile.PickMaxMs <= 1000),
                new("fake ids gone from every peer list after the feed", FigureText.Seconds(hostile.DroppedSeconds), "dropped", hostile.DroppedSeconds is not null),
            ],
        };
    }

    private static ScenarioReport Startup(IReadOnlyList<StartupSample> samples, LoadFigures load, DateTimeOffset startedAt, string rerun)
    {
        var agree = samples.Select(s => s.AgreeSeconds).ToList();
        return new ScenarioReport
        {
            Name = ReliabilitySettings.Startup,
            StartedAt = startedAt,
            Rerun = rerun,
            Load = load,
            Problems = [.. samples.Where(s => s.AgreeSeconds is null).Select(_ => "the nodes never agreed after a start")],
            Startup = samples,
            Figures =
            [
                new("first launch to the last /health", FigureText.MedianSeconds([.. samples.Select(s => (double?)s.LastHealthySeconds)])),
                new("last starting book announced, from the last /health", string.Join(", ", samples.Select(s => s.LastAnnouncedSeconds is { } a ? string.Create(CultureInfo.InvariantCulture, $"{a:+0.000;-0.000} s") : "–"))),
                new("all agree after the last /health", FigureText.MedianSeconds(agree), "≤ 1 s", Within(agree, s_oneSecond)),
                new("pairs that came by digest exchange (a join's pull, or anti-entropy)", string.Join(", ", samples.Select(s => $"{s.PairsByRepair} of {s.Pairs}"))),
            ],
        };
    }

    private static bool? Within(IReadOnlyList<double?> samples, TimeSpan limit) =>
        FigureText.Median(samples) is { } median ? median <= limit.TotalSeconds && samples.All(s => s is not null) : false;

    public static void Render(IAnsiConsole console, ScenarioReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{report.Name}[/]").AddColumns("Figure", "Value", "Target", "Met");
        foreach (var figure in report.Figures)
        {
            var met = figure.Met switch
            {
                true => "[green]yes[/]",
                false => "[red]no[/]",
                null => "",
            };
            table.AddRow(Markup.Escape(figure.Name), Markup.Escape(figure.Value), Markup.Escape(figure.Target ?? ""), met);
        }

        console.Write(table);
        console.MarkupLine($"[grey]{Markup.Escape(FigureText.Load(report.Load))}[/]");
        console.MarkupLine($"rerun: {Markup.Escape(report.Rerun)}");
        foreach (var problem in report.Problems)
        {
            console.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
        }
    }

    private static async Task<NodeCommand> NodeCommandAsync(ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        if (settings.NodePath is { } path)
        {
            return NodeBuild.FromPath(path);
        }

        var root = NodeBuild.FindRepositoryRoot()
            ?? throw new BenchmarkException("cannot find GossipAspire.sln above the current folder; run from the repository or pass --node");
        log(settings.Aot ? "publishing the node with Native AOT (once)" : "building the node in Release (once)");
        return await NodeBuild.PrepareAsync(root, settings.Aot, log, cancellationToken);
    }

    /// <summary>Samples the cores every 2 s until they are under 10% busy, for at most 10 minutes.</summary>
    private static async Task WaitQuietAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(10);
        var said = false;
        while (await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(2), cancellationToken) is { } busy && busy >= 10 && DateTimeOffset.UtcNow < end)
        {
            if (!said)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"waiting for a quiet machine ({busy:0}% of the cores busy)"));
                said = true;
            }
        }
    }

    private static MachineInfo Machine() =>
        new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, BenchmarkRunner.GitCommit(), null, null);

    /// <summary>--out as given (a folder), else results/ beside the benchmark project; one file per scenario.</summary>
    public static string OutputPath(ReliabilitySettings settings, string scenario)
    {
        var folder = settings.Out is { } given
            ? Path.GetFullPath(given)
            : NodeBuild.FindRepositoryRoot() is { } root ? Path.Combine(root, "GossipAspire.Benchmark", "results") : Path.Combine(Environment.CurrentDirectory, "results");
        return Path.Combine(folder, $"reliability-{scenario}.json");
    }
}
