using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace GossipAspire.Benchmark.Gem;

/// <summary>
/// One mixed-network run (issue 9, section 1): a chain alternating our nodes and stand-in gem nodes at the gem's own
/// intervals, everyone picking on their own timers, watched for a window; then how current the gem nodes kept our
/// books (time-averaged, like the benchmark's freshness) and how long each gem pick took to reach every node, from
/// our nodes' <c>/history/</c> and the gem nodes' own record of what they learned and when.
/// </summary>
public static class MixedRunner
{
    public static Task<int> RunAsync(MixedSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        CommandShell.RunAsync(console, "mixed run", async log =>
        {
            var report = await MeasureAsync(settings, log, cancellationToken);
            await CommandShell.WriteReportAsync(console, OutputPath(settings), report.ToJson(), c => MixedReportRenderer.Render(c, report));
            return report.Complete;
        }, cancellationToken);

    public static async Task<MixedReport> MeasureAsync(MixedSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var startedAt = DateTimeOffset.UtcNow;
        var root = NodeBuild.FindRepositoryRoot();
        NodeCommand command;
        if (settings.NodePath is { } nodePath)
        {
            command = NodeBuild.FromPath(nodePath);
        }
        else
        {
            log("building the node in Release (once)");
            command = await NodeBuild.PrepareAsync(
                root ?? throw new BenchmarkException("cannot find GossipAspire.sln above the current folder; run from the repository or pass --node"),
                aot: false,
                log,
                cancellationToken);
        }

        var books = root is not null && File.Exists(Path.Combine(root, "books.txt"))
            ? (await File.ReadAllLinesAsync(Path.Combine(root, "books.txt"), cancellationToken)).Where(l => l.Trim().Length > 0).ToList()
            : GemPeerOptions.DefaultBooks;
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), cancellationToken);
        var loadStart = LoadAverage();
        var problems = new List<string>();

        await using var network = await MixedNetwork.StartAsync(command, settings, books, log, cancellationToken);
        var formation = await WaitForFormationAsync(network, settings.SettleTimeout, cancellationToken);
        if (formation is null)
        {
            problems.Add($"not every node held an entry of every other {Benchmark.Duration.Format(settings.SettleTimeout)} after the start; measured anyway");
        }

        log(formation is { } f
            ? string.Create(CultureInfo.InvariantCulture, $"every node holds an entry of every other after {f:0.0} s; watching for {Benchmark.Duration.Format(settings.Duration)}")
            : $"watching for {Benchmark.Duration.Format(settings.Duration)}");
        var before = await Task.WhenAll(network.Ours.Select(n => n.GetStateAsync(cancellationToken)));
        var busyFrom = MachineCpu.BusySeconds();
        var clock = Stopwatch.StartNew();
        var windowStart = DateTimeOffset.UtcNow;
        await Task.Delay(settings.Duration, cancellationToken);
        var windowEnd = DateTimeOffset.UtcNow;
        var busyTo = MachineCpu.BusySeconds();
        var windowSeconds = clock.Elapsed.TotalSeconds;
        var after = await Task.WhenAll(network.Ours.Select(n => n.GetStateAsync(cancellationToken)));
        log($"window over; {Benchmark.Duration.Format(settings.Grace)} more for the last picks to spread");
        await Task.Delay(settings.Grace, cancellationToken);

        var histories = new Dictionary<string, IReadOnlyList<HistoryEvent>>(StringComparer.Ordinal);
        foreach (var node in network.Ours)
        {
            histories[node.Id] = (await node.GetHistoryAsync(0, cancellationToken)).Events;
        }

        foreach (var gem in network.Gems)
        {
            histories[gem.Id] = GemHistory(gem);
        }

        problems.AddRange(network.Casualties());
        var ours = network.Ours.Select(n => n.Id).ToList();
        var gems = network.Gems.Select(g => g.Id).ToList();
        var analysis = new Analysis(histories);
        var freshness = new MixedFreshness(
            Round6(analysis.Freshness(windowStart, windowEnd, gems, ours)),
            Round6(analysis.Freshness(windowStart, windowEnd, ours, gems)),
            Round6(analysis.Freshness(windowStart, windowEnd, ours, ours)),
            Round6(analysis.Freshness(windowStart, windowEnd, gems, gems)),
            Round6(analysis.Freshness(windowStart, windowEnd)));
        var picks = analysis.Picks().Where(p => p.PickedAt >= windowStart && p.PickedAt < windowEnd).ToList();
        var changes = new List<ChangeRecord>();
        var gemPicks = Spread(analysis, picks.Where(p => gems.Contains(p.Change.Origin)), problems, "gem", changes);
        var ourPicks = Spread(analysis, picks.Where(p => ours.Contains(p.Change.Origin)), problems, "our", changes);

        var traffic = new MixedTraffic(
            after.Sum(s => s.Stats?.RequestsSent ?? 0) - before.Sum(s => s.Stats?.RequestsSent ?? 0),
            after.Sum(s => s.Stats?.RequestsFailed ?? 0) - before.Sum(s => s.Stats?.RequestsFailed ?? 0),
            network.Gems.Sum(g => g.Pushes.Count),
            network.Gems.Sum(g => g.Pushes.Count(p => !p.Ok)),
            network.Gems.Sum(g => g.Requests.Count(r => r.Status == 404)),
            network.Gems.Sum(g => g.Requests.Count(r => r.Status == 500)),
            network.Gems.Sum(g => g.Requests.Count(r => r.Path == "/gossip" && r.Status == 200 && r.Sender == string.Empty)));

        var loadEnd = LoadAverage();
        return new MixedReport
        {
            Name = settings.Name,
            StartedAt = startedAt,
            Settings = new MixedReportSettings(
                settings.Nodes,
                settings.OurNodes,
                settings.GemNodes,
                settings.Duration.TotalSeconds,
                settings.Grace.TotalSeconds,
                settings.GemPush.TotalSeconds,
                settings.GemPick.TotalSeconds,
                settings.PickInterval.TotalSeconds,
                command.Description),
            Machine = new MixedMachine(
                Environment.ProcessorCount,
                RuntimeInformation.OSDescription,
                RuntimeInformation.FrameworkDescription,
                BenchmarkRunner.GitCommit(),
                Round3(busyBefore),
                busyFrom is { } from && busyTo is { } to ? Round3(Math.Clamp((to - from) / (windowSeconds * Environment.ProcessorCount) * 100, 0, 100)) : null,
                loadStart,
                loadEnd),
            FormationSeconds = Round3(formation),
            WindowSeconds = Round3(windowSeconds)!.Value,
            Freshness = freshness,
            GemPicks = gemPicks,
            OurPicks = ourPicks,
            Traffic = traffic,
            Targets = MixedReport.Evaluate(freshness, gemPicks),
            Problems = problems,
            Changes = [.. changes.OrderBy(c => c.PickedAt)],
        };
    }

    /// <summary>--out as given, else results/&lt;name&gt;.json beside the benchmark project, where the benchmark writes its own.</summary>
    public static string OutputPath(MixedSettings settings)
    {
        if (settings.Out is { } path)
        {
            return Path.GetFullPath(path);
        }

        var folder = Path.GetDirectoryName(BenchmarkRunner.OutputPath(new BenchmarkSettings()))!;
        return Path.Combine(folder, settings.Name + ".json");
    }

    /// <summary>A gem node's record of what it learned, as history events: its own picks carry their pick time.</summary>
    public static IReadOnlyList<HistoryEvent> GemHistory(GemPeer gem) =>
        [.. gem.Learned.Select((l, i) => new HistoryEvent(i + 1, l.Origin, l.Version, l.From is null ? l.At : null, l.At))];

    /// <summary>Pick to the last other node holding it, over the picks given; the ones some node never learned are problems.</summary>
    private static LatencyFigures Spread(Analysis analysis, IEnumerable<(Change Change, DateTimeOffset PickedAt)> picks, List<string> problems, string kind, List<ChangeRecord> changes)
    {
        var outcomes = analysis.Spread(picks.Select(p => p.Change));
        changes.AddRange(outcomes.Select(o => new ChangeRecord(o.Origin, o.Version, o.PickedAt, Round3(o.LatencyMs), o.LearnedBy, o.LastNode)));
        foreach (var missed in outcomes.Where(o => !o.LearnedByAll))
        {
            problems.Add($"{kind} pick {missed.Origin} v{missed.Version} reached {missed.LearnedBy} of {missed.Observers} other nodes");
        }

        var latencies = outcomes.Where(o => o.LearnedByAll).Select(o => o.LatencyMs!.Value).ToList();
        var summary = Statistics.Summarize(latencies);
        return new LatencyFigures(outcomes.Count, latencies.Count, Round3(summary?.P50), Round3(summary?.P99), Round3(summary?.Max), Round3(summary?.Mean));
    }

    /// <summary>Seconds from now until every node holds an entry (any version) of every other; null at the timeout.</summary>
    private static async Task<double?> WaitForFormationAsync(MixedNetwork network, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var formed = network.Gems.All(g => network.Ids.All(id => id == g.Id || g.Books.ContainsKey(id)));
            if (formed)
            {
                foreach (var node in network.Ours)
                {
                    var state = await node.GetStateAsync(cancellationToken);
                    if (!network.Ids.All(id => state.World?.ContainsKey(id) == true))
                    {
                        formed = false;
                        break;
                    }
                }
            }

            if (formed)
            {
                return clock.Elapsed.TotalSeconds;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return null;
    }

    private static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? Round3(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static double Round6(double value) => Math.Round(value, 6);
}
