using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace GossipAspire.Benchmark.Gem;

/// <summary>
/// The <c>mixed</c> subcommand: a chain alternating our nodes and stand-in gem nodes, and how current each keeps the
/// other (issue 9, section 1).
///   GossipAspire.Benchmark mixed [--nodes 10] [--duration 90s] [--gem-push 10s] [--gem-pick 15s] ...
/// </summary>
public static class MixedCli
{
    public const string Name = "mixed";

    public static Command Create(Func<MixedSettings, CancellationToken, Task<int>> run)
    {
        var defaults = new MixedSettings();
        var nodes = new Option<int?>("--nodes", "-n")
        {
            Description = "How many nodes in the chain: ours and stand-in gem nodes alternating, ours first. Default: 10.",
            HelpName = "count",
            CustomParser = result => CliParsers.ParseInt(result, 2, 100),
        };
        var duration = DurationOption("--duration", "The window over which freshness is averaged and picks are timed. Default: 90s.", TimeSpan.FromHours(1));
        var grace = DurationOption("--grace", "How long the network runs on after the window so its last picks can spread. Default: 30s.", TimeSpan.FromMinutes(10));
        var gemPush = DurationOption("--gem-push", "The stand-in gem nodes' push interval. Default: 10s, the gem's.", TimeSpan.FromMinutes(10));
        var gemPick = DurationOption("--gem-pick", "The stand-in gem nodes' pick interval. Default: 15s, the gem's.", TimeSpan.FromMinutes(10));
        var pickInterval = DurationOption("--pick-interval", "Our nodes' own pick interval (Gossip:PickInterval). Default: 10s, the node's.", TimeSpan.FromHours(1));
        var settleTimeout = DurationOption("--settle-timeout", "How long to wait for every node to hold an entry of every other before the window. Default: 60s.", TimeSpan.FromHours(1));
        var basePort = new Option<int?>("--base-port")
        {
            Description = "First port; the nodes take consecutive ports from it. Default: free ports are found.",
            HelpName = "port",
            CustomParser = result => CliParsers.ParseInt(result, 1, 65535),
        };
        var node = new Option<string>("--node") { Description = "Run this built node (GossipAspire.Node.dll, or a native binary) instead of building one." };
        node.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || !File.Exists(value))
            {
                result.AddError($"--node: no file at '{value}'.");
            }
        });
        var output = new Option<string>("--out", "-o") { Description = "Where to write the JSON report. Default: GossipAspire.Benchmark/results/mixed-<N>-nodes.json." };

        var command = new Command(Name, "A chain alternating our nodes and stand-in Ruby gem nodes (the gem's own intervals): how current the gem nodes keep our books, and how fast a gem node's pick reaches every node.")
        {
            nodes, duration, grace, gemPush, gemPick, pickInterval, settleTimeout, basePort, node, output,
        };
        command.Validators.Add(result =>
        {
            try
            {
                var n = result.GetValue(nodes) ?? defaults.Nodes;
                if (result.GetValue(basePort) is { } first && first + n - 1 > 65535)
                {
                    result.AddError($"--base-port {first} leaves no room for {n} nodes (the last port would be {first + n - 1}).");
                }
            }
            catch (InvalidOperationException)
            {
                // An option's own error is already reported.
            }
        });

        command.SetAction((parseResult, cancellationToken) =>
        {
            var settings = new MixedSettings
            {
                Nodes = parseResult.GetValue(nodes) ?? defaults.Nodes,
                Duration = parseResult.GetValue(duration) ?? defaults.Duration,
                Grace = parseResult.GetValue(grace) ?? defaults.Grace,
                GemPush = parseResult.GetValue(gemPush) ?? defaults.GemPush,
                GemPick = parseResult.GetValue(gemPick) ?? defaults.GemPick,
                PickInterval = parseResult.GetValue(pickInterval) ?? defaults.PickInterval,
                SettleTimeout = parseResult.GetValue(settleTimeout) ?? defaults.SettleTimeout,
                BasePort = parseResult.GetValue(basePort),
                NodePath = parseResult.GetValue(node),
                Out = parseResult.GetValue(output),
            };
            return run(settings, cancellationToken);
        });

        return command;
    }

    private static Option<TimeSpan?> DurationOption(string name, string description, TimeSpan max) =>
        new(name)
        {
            Description = description,
            HelpName = "duration",
            CustomParser = result => CliParsers.ParseDuration(result, allowZero: false, max),
        };
}
