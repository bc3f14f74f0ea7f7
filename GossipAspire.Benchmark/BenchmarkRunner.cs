using System.Diagnostics;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace GossipAspire.Benchmark;

/// <summary>One whole run: get a node, start the cluster, measure, stop everything, report.</summary>
public static class BenchmarkRunner
{
    public const int ExitOk = 0;
    public const int ExitIncomplete = 3;
    public const int ExitFailed = 2;

    /// <summary>Runs the benchmark, prints the table, writes the JSON; answers the process exit code.</summary>
    public static Task<int> RunAsync(BenchmarkSettings settings, IAnsiConsole console, CancellationToken cancellationToken) =>
        CommandShell.RunAsync(console, "benchmark", async log =>
        {
            var report = await MeasureAsync(settings, log, cancellationToken);
            await CommandShell.WriteReportAsync(console, OutputPath(settings), report.ToJson(), c => ReportRenderer.Render(c, report));
            return report.Complete;
        }, cancellationToken);

    /// <summary>Builds or finds the node, runs the cluster, and returns the report; every node is stopped on the way out.</summary>
    public static async Task<BenchmarkReport> MeasureAsync(BenchmarkSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        if (settings.Attach is { } addresses)
        {
            return await MeasureAttachedAsync(settings, addresses, log, cancellationToken);
        }

        var startedAt = DateTimeOffset.UtcNow;
        NodeCommand command;
        if (settings.NodePath is { } path)
        {
            command = NodeBuild.FromPath(path);
        }
        else
        {
            var root = NodeBuild.FindRepositoryRoot()
                ?? throw new BenchmarkException("cannot find GossipAspire.sln above the current folder; run from the repository or pass --node");
            log(settings.Aot ? "publishing the node with Native AOT (once)" : "building the node in Release (once)");
            command = await NodeBuild.PrepareAsync(root, settings.Aot, log, cancellationToken);
        }

        var busyBefore = settings.WaitQuiet
            ? await WaitQuietAsync(log, cancellationToken)
            : await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), cancellationToken);
        if (busyBefore > 25)
        {
            log($"the machine is busy ({busyBefore:0}% of {Environment.ProcessorCount} cores in use before the nodes start): expect noisy figures");
        }

        await using var cluster = await LocalCluster.StartAsync(command, settings, log, cancellationToken);
        var measurement = await new ClusterDriver(cluster.Clients, settings, log, cpuSeconds: cluster.CpuSeconds).MeasureAsync(cancellationToken);
        var rss = cluster.RssMiB();
        var problems = measurement.Problems.Concat(cluster.Casualties()).ToList();
        var report = Build(settings, command, startedAt, cluster.StartSeconds, measurement, rss, cluster.StartupMs, problems);
        return report with { Machine = report.Machine with { CpuBusyBeforePercent = Round(busyBefore) } };
    }

    /// <summary>The same measurement of nodes someone else runs; nothing is started or stopped.</summary>
    private static async Task<BenchmarkReport> MeasureAttachedAsync(BenchmarkSettings settings, IReadOnlyList<Uri> addresses, Action<string> log, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), cancellationToken);
        await using var cluster = await AttachedCluster.ConnectAsync(addresses, log, cancellationToken);
        var cpu = cluster.CpuSeconds() is null ? null : (Func<double>)(() => cluster.CpuSeconds() ?? 0);
        var measurement = await new ClusterDriver(cluster.Clients, settings, log, cpuSeconds: cpu).MeasureAsync(cancellationToken);
        var command = new NodeCommand("", [], $"attached to {string.Join(", ", addresses)}");
        var report = Build(settings, command, startedAt, 0, measurement, cluster.RssMiB(), new Dictionary<string, double>(), measurement.Problems);
        return report with { Machine = report.Machine with { CpuBusyBeforePercent = Round(busyBefore) } };
    }

    /// <summary>Assembles the report from what was measured; the targets are evaluated against it.</summary>
    public static BenchmarkReport Build(
        BenchmarkSettings settings,
        NodeCommand command,
        DateTimeOffset startedAt,
        double clusterStartSeconds,
        Measurement measurement,
        IReadOnlyDictionary<string, double> rssMiB,
        IReadOnlyDictionary<string, double> startupMs,
        IReadOnlyList<string> problems)
    {
        var learned = measurement.Changes.Where(c => c.LearnedByAll && c.LatencyMs is not null).Select(c => c.LatencyMs!.Value).ToList();
        var latency = Statistics.Summarize(learned);
        var changes = Math.Max(1, measurement.ChangesInWindow);
        var t = measurement.Traffic;
        var report = new BenchmarkReport
        {
            Name = settings.Name,
            StartedAt = startedAt,
            Settings = new ReportSettings(
                settings.Nodes,
                settings.Changes,
                settings.Delay.TotalMilliseconds,
                settings.DrivesPicks,
                settings.PickInterval?.TotalMilliseconds,
                settings.PickEvery.TotalMilliseconds,
                settings.Aot,
                command.Description,
                settings.RandomSeed,
                settings.DrivesPicks ? settings.WarmupPicks : 0),
            Machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, GitCommit(), null, OtherCpuPercent(measurement)),
            ClusterStartSeconds = Round(clusterStartSeconds)!.Value,
            ConvergenceSeconds = Round(measurement.ConvergenceSeconds),
            MeasurementSeconds = Round(measurement.MeasurementSeconds)!.Value,
            Latency = new LatencyFigures(measurement.Changes.Count, learned.Count, Round(latency?.P50), Round(latency?.P99), Round(latency?.Max), Round(latency?.Mean)),
            Traffic = new TrafficFigures(
                t.RequestsSent,
                t.BytesSent,
                t.MessagesSent,
                t.RequestsFailed,
                t.MessagesDuplicate,
                t.MessagesDropped,
                Round((double)t.RequestsSent / changes)!.Value,
                Round((double)t.BytesSent / changes)!.Value,
                Round((double)t.MessagesSent / changes)!.Value,
                Round(measurement.CpuSeconds * 1000 / changes)),
            Freshness = new FreshnessFigures(Math.Round(measurement.Freshness, 6), Round((measurement.WindowEnd - measurement.WindowStart).TotalSeconds)!.Value, "history"),
            Rss = NodeFigures.From(rssMiB.ToDictionary(r => r.Key, r => Round(r.Value)!.Value)),
            Startup = NodeFigures.From(startupMs.ToDictionary(r => r.Key, r => Round(r.Value)!.Value)),
            Problems = problems,
            Changes = [.. measurement.Changes.Select(c => new ChangeRecord(c.Origin, c.Version, c.PickedAt, Round(c.LatencyMs), c.LearnedBy, c.LastNode))],
        };
        return report with { Targets = Targets.Evaluate(report) };
    }

    /// <summary>Samples the cores every 2 s until they are under 10% busy, for at most 10 minutes; answers the last sample.</summary>
    private static async Task<double?> WaitQuietAsync(Action<string> log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            var busy = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(2), cancellationToken);
            if (busy is null or < 10 || clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                return busy;
            }

            if (!said)
            {
                log($"waiting for a quiet machine ({busy:0}% of the cores busy)");
                said = true;
            }
        }
    }

    private static double? OtherCpuPercent(Measurement measurement) =>
        measurement.OtherCpuSeconds is { } other && measurement.MeasurementSeconds > 0
            ? Round(other / (measurement.MeasurementSeconds * Environment.ProcessorCount) * 100)
            : null;

    /// <summary>Three decimals: microseconds for milliseconds, milliseconds for seconds; more would be noise.</summary>
    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;

    /// <summary>--out as given (relative to the current folder), else results/&lt;name&gt;.json beside the benchmark project.</summary>
    public static string OutputPath(BenchmarkSettings settings)
    {
        if (settings.Out is { } path)
        {
            return Path.GetFullPath(path);
        }

        var root = NodeBuild.FindRepositoryRoot();
        var folder = root is null ? Path.Combine(Environment.CurrentDirectory, "results") : Path.Combine(root, "GossipAspire.Benchmark", "results");
        return Path.Combine(folder, settings.Name + ".json");
    }

    /// <summary>The short commit of the repository this runs in; null outside one.</summary>
    public static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "--short", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = NodeBuild.FindRepositoryRoot() ?? Environment.CurrentDirectory,
            });
            if (git is null)
            {
                return null;
            }

            var text = git.StandardOutput.ReadToEnd().Trim();
            return git.WaitForExit(5000) && git.ExitCode == 0 && text.Length > 0 ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
