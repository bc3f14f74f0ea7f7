using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// The <c>reliability</c> subcommand: which scenarios, and how long and how hard each one runs.
///   GossipAspire.Benchmark reliability [freeze|restart|flood|hostile|startup ...] [--nodes 10] [--runs 3] ...
/// </summary>
public static class ReliabilityCli
{
    public const string Name = "reliability";

    public static Command Create(Func<ReliabilitySettings, CancellationToken, Task<int>> run)
    {
        var defaults = new ReliabilitySettings();
        var scenarios = new Argument<string[]>("scenarios")
        {
            Description = $"Which to run, in this order: {string.Join(", ", ReliabilitySettings.AllScenarios)}. Default: all of them.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        scenarios.AcceptOnlyFromAmong([.. ReliabilitySettings.AllScenarios]);

        var nodes = IntOption("--nodes", "How many node processes, chained each to its predecessor as seed.", 3, 50, defaults.Nodes);
        var runs = IntOption("--runs", "Samples of freeze and restart, each at another node; medians are quoted.", 1, 20, defaults.Runs);
        var startupRuns = IntOption("--startup-runs", "Samples of the start-up, each a fresh cluster; medians are quoted.", 1, 50, defaults.StartupRuns);
        var freeze = DurationOption("--freeze", "How long a node stays frozen (SIGSTOP) before SIGCONT.", defaults.FreezeFor);
        var pickEvery = DurationOption("--pick-every", "Spacing of the picks at the live nodes while one is frozen or down, and beside the hostile feed.", defaults.PickEvery);
        var down = DurationOption("--down", "How long the live nodes go on picking while a killed node is down.", defaults.DownFor);
        var floodRate = IntOption("--flood-rate", "Picks a second during the flood, at the nodes in turn.", 1, 1000, defaults.FloodRate);
        var floodFor = DurationOption("--flood-for", "How long the flood lasts.", defaults.FloodFor);
        var hostile = IntOption("--hostile", "How many fake peer ids (loopback ports with nothing listening) to feed the nodes.", 1, 5000, defaults.HostilePeers);
        var hostileWatch = DurationOption("--hostile-watch", "Real picks go on at least this long once the hostile feed starts.", defaults.HostileWatch);
        var deadline = DurationOption("--deadline", "The longest wait for anything (agreement, a drop, a catch-up) before it counts as a failure.", defaults.Deadline);
        var set = new Option<string[]>("--set")
        {
            Description = "More configuration for every node, Key=Value (repeatable), e.g. --set Gossip:AntiEntropyInterval=01:00:00.",
            HelpName = "Key=Value",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        set.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (value.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--set '{value}': write Key=Value, e.g. Gossip:AntiEntropyInterval=01:00:00.");
                }
            }
        });

        var node = new Option<string>("--node") { Description = "Run this built node (GossipAspire.Node.dll, or a native binary) instead of building one." };
        node.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || !File.Exists(value))
            {
                result.AddError($"--node: no file at '{value}'.");
            }
        });

        var aot = new Option<bool>("--aot") { Description = "Publish the node with Native AOT once and run that binary." };
        var waitQuiet = new Option<bool>("--wait-quiet") { Description = "Before each scenario, wait up to 10 minutes until the cores are below 10% busy." };
        var output = new Option<string>("--out") { Description = "Folder for the JSON reports (reliability-SCENARIO.json). Default: GossipAspire.Benchmark/results/." };

        var command = new Command(Name, "Faults with real node processes on loopback: a freeze, a kill and restart, a flood, hostile peer ids, a start-up; prints each figure with the machine's load and the command that reruns it.")
        {
            scenarios, nodes, runs, startupRuns, freeze, pickEvery, down, floodRate, floodFor, hostile, hostileWatch, deadline, set, node, aot, waitQuiet, output,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(aot) && result.GetResult(node) is not null)
            {
                result.AddError("--aot and --node exclude each other: --node already names the binary to run.");
            }
        });

        command.SetAction((parseResult, cancellationToken) =>
        {
            var chosen = parseResult.GetValue(scenarios) ?? [];
            var settings = new ReliabilitySettings
            {
                Scenarios = chosen.Length == 0 ? ReliabilitySettings.AllScenarios : [.. ReliabilitySettings.AllScenarios.Where(chosen.Contains)],
                Nodes = parseResult.GetValue(nodes) ?? defaults.Nodes,
                Runs = parseResult.GetValue(runs) ?? defaults.Runs,
                StartupRuns = parseResult.GetValue(startupRuns) ?? defaults.StartupRuns,
                FreezeFor = parseResult.GetValue(freeze) ?? defaults.FreezeFor,
                PickEvery = parseResult.GetValue(pickEvery) ?? defaults.PickEvery,
                DownFor = parseResult.GetValue(down) ?? defaults.DownFor,
                FloodRate = parseResult.GetValue(floodRate) ?? defaults.FloodRate,
                FloodFor = parseResult.GetValue(floodFor) ?? defaults.FloodFor,
                HostilePeers = parseResult.GetValue(hostile) ?? defaults.HostilePeers,
                HostileWatch = parseResult.GetValue(hostileWatch) ?? defaults.HostileWatch,
                Deadline = parseResult.GetValue(deadline) ?? defaults.Deadline,
                NodeSettings = parseResult.GetValue(set) ?? [],
                NodePath = parseResult.GetValue(node),
                Aot = parseResult.GetValue(aot),
                WaitQuiet = parseResult.GetValue(waitQuiet),
                Out = parseResult.GetValue(output),
            };
            return run(settings, cancellationToken);
        });

        return command;
    }

    /// <summary>The command line that runs <paramref name="scenario"/> again with these settings, every value spelled out.</summary>
    public static string CommandLine(ReliabilitySettings settings, string scenario)
    {
        var line = new List<string> { "dotnet run -c Release --project GossipAspire.Benchmark --", Name, scenario, "--nodes", Text(settings.Nodes) };
        switch (scenario)
        {
            case ReliabilitySettings.Freeze:
                line.AddRange(["--runs", Text(settings.Runs), "--freeze", Duration.Format(settings.FreezeFor), "--pick-every", Duration.Format(settings.PickEvery)]);
                break;
            case ReliabilitySettings.Restart:
                line.AddRange(["--runs", Text(settings.Runs), "--down", Duration.Format(settings.DownFor), "--pick-every", Duration.Format(settings.PickEvery)]);
                break;
            case ReliabilitySettings.Flood:
                line.AddRange(["--flood-rate", Text(settings.FloodRate), "--flood-for", Duration.Format(settings.FloodFor)]);
                break;
            case ReliabilitySettings.Hostile:
                line.AddRange(["--hostile", Text(settings.HostilePeers), "--hostile-watch", Duration.Format(settings.HostileWatch), "--pick-every", Duration.Format(settings.PickEvery)]);
                break;
            case ReliabilitySettings.Startup:
                line.AddRange(["--startup-runs", Text(settings.StartupRuns)]);
                break;
        }

        foreach (var setting in settings.NodeSettings)
        {
            line.AddRange(["--set", setting]);
        }

        if (settings.Aot)
        {
            line.Add("--aot");
        }

        return string.Join(' ', line);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Option<int?> IntOption(string name, string description, int min, int max, int defaultValue) =>
        new(name)
        {
            Description = $"{description} Default: {Text(defaultValue)}.",
            HelpName = "count",
            CustomParser = result => CliParsers.ParseInt(result, min, max),
        };

    private static Option<TimeSpan?> DurationOption(string name, string description, TimeSpan defaultValue) =>
        new(name)
        {
            Description = $"{description} Default: {Duration.Format(defaultValue)}.",
            HelpName = "duration",
            CustomParser = result => CliParsers.ParseDuration(result, allowZero: false, TimeSpan.FromHours(1)),
        };
}
