using System.CommandLine;
using System.CommandLine.Parsing;

namespace GossipAspire.Benchmark;

/// <summary>The command line: options, their checks, and what runs when they are all right.</summary>
public static class BenchmarkCli
{
    public const int MaxNodes = 500;

    public static RootCommand Create(Func<BenchmarkSettings, CancellationToken, Task<int>> run)
    {
        var nodes = IntOption("--nodes", "How many node processes to start, chained each to its predecessor as seed.", 2, MaxNodes, BenchmarkSettings.DefaultNodes, "-n");
        var changes = IntOption("--changes", "How many book changes to time (at least 50 for a p99 worth the name).", 1, 10_000, BenchmarkSettings.DefaultChanges, "-c");
        var basePort = new Option<int?>("--base-port")
        {
            Description = "First port; the nodes take consecutive ports from it. Default: free ports are found.",
            HelpName = "port",
            CustomParser = result => CliParsers.ParseInt(result, 1, 65535),
        };

        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write the JSON report. Default: GossipAspire.Benchmark/results/<name>.json.",
        };
        output.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--out needs a file path.");
            }
        });

        var aot = new Option<bool>("--aot")
        {
            Description = "Publish the node with Native AOT once and run that binary instead of 'dotnet GossipAspire.Node.dll'.",
        };

        var delay = DurationOption("--delay", "Delay injected before every node-to-node request at every node, e.g. 100ms. Default: 0.", allowZero: true, max: TimeSpan.FromSeconds(10));

        var pickInterval = DurationOption("--pick-interval", "Let the nodes pick on their own timers at this interval and only watch. Default: the benchmark picks at random nodes itself.", allowZero: false, max: TimeSpan.FromHours(1));
        var pickEvery = DurationOption("--pick-every", "Spacing of the picks the benchmark makes itself. Default: 300ms.", allowZero: false, max: TimeSpan.FromMinutes(1));

        var node = new Option<string>("--node")
        {
            Description = "Run this built node (GossipAspire.Node.dll, or a native binary) instead of building one.",
        };
        node.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(value) || !File.Exists(value))
            {
                result.AddError($"--node: no file at '{value}'.");
            }
        });

        var warmup = new Option<int?>("--warmup")
        {
            Description = "Untimed picks before the timed ones, round-robin over the nodes (0: none). Default: one at every node.",
            HelpName = "count",
            CustomParser = result => CliParsers.ParseInt(result, 0, 10_000),
        };

        var waitQuiet = new Option<bool>("--wait-quiet")
        {
            Description = "On a shared machine: before starting the nodes, wait up to 10 minutes until the cores are below 10% busy.",
        };

        var randomSeed = IntOption("--random-seed", "Seed for choosing which node picks next, so runs are comparable.", int.MinValue, int.MaxValue, 42);

        var settleTimeout = DurationOption("--settle-timeout", "How long to wait for the cluster to converge at start and for the last change to reach every node. Default: 60s.", allowZero: false, max: TimeSpan.FromHours(1));

        var attach = new Option<IReadOnlyList<Uri>?>("--attach")
        {
            Description = "Measure nodes that are already running (an AppHost's) instead of starting any: ports (5001-5010, 5001,5002) or URLs, comma-separated.",
            HelpName = "nodes",
            CustomParser = ParseAttach,
        };

        var root = new RootCommand(
            "Starts N real GossipAspire nodes, changes books, and reports how fast and how cheaply every node learns each change.")
        {
            nodes, changes, basePort, output, aot, delay, pickInterval, pickEvery, warmup, waitQuiet, node, randomSeed, settleTimeout, attach,
        };

        root.Validators.Add(result =>
        {
            // Each option's own errors are already reported; these checks need both values readable.
            if (!TryGetValue(result, nodes, out var n) || !TryGetValue(result, basePort, out var port) || !TryGetValue(result, node, out var nodePath))
            {
                return;
            }

            n ??= BenchmarkSettings.DefaultNodes;
            if (port is { } first && first + n - 1 > 65535)
            {
                result.AddError($"--base-port {first} leaves no room for {n} nodes (the last port would be {first + n - 1}).");
            }

            if (result.GetValue(aot) && nodePath is not null)
            {
                result.AddError("--aot and --node exclude each other: --node already names the binary to run.");
            }

            if (TryGetValue(result, attach, out var attached) && attached is not null)
            {
                foreach (var own in (Option[])[nodes, basePort, aot, node, delay])
                {
                    if (result.GetResult(own) is { Implicit: false })
                    {
                        result.AddError($"--attach measures nodes someone else started; {own.Name} is about starting them.");
                    }
                }
            }
        });

        root.SetAction((parseResult, cancellationToken) =>
        {
            var attached = parseResult.GetValue(attach);
            var settings = new BenchmarkSettings
            {
                Attach = attached,
                Nodes = attached?.Count ?? parseResult.GetValue(nodes) ?? BenchmarkSettings.DefaultNodes,
                Changes = parseResult.GetValue(changes) ?? BenchmarkSettings.DefaultChanges,
                BasePort = parseResult.GetValue(basePort),
                Out = parseResult.GetValue(output),
                Aot = parseResult.GetValue(aot),
                Delay = parseResult.GetValue(delay) ?? TimeSpan.Zero,
                PickInterval = parseResult.GetValue(pickInterval),
                PickEvery = parseResult.GetValue(pickEvery) ?? BenchmarkSettings.DefaultPickEvery,
                Warmup = parseResult.GetValue(warmup),
                WaitQuiet = parseResult.GetValue(waitQuiet),
                NodePath = parseResult.GetValue(node),
                RandomSeed = parseResult.GetValue(randomSeed) ?? 42,
                SettleTimeout = parseResult.GetValue(settleTimeout) ?? BenchmarkSettings.DefaultSettleTimeout,
            };
            return run(settings, cancellationToken);
        });

        return root;
    }

    /// <summary>A whole-number option checked against its range while parsing, so a bad value is a parse error.</summary>
    /// <summary>Parses with the command; a bad command line prints just its errors, not the whole help.</summary>
    public static ParseResult Parse(RootCommand command, IReadOnlyList<string> args)
    {
        var result = command.Parse(args);
        if (result.Action is System.CommandLine.Invocation.ParseErrorAction errorAction)
        {
            errorAction.ShowHelp = false;
        }

        return result;
    }

    /// <summary>"5001-5010", "5001,5002" or "http://host:5001,..." as node base addresses; ports are on 127.0.0.1.</summary>
    private static IReadOnlyList<Uri>? ParseAttach(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        var addresses = new List<Uri>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(part[..dash], System.Globalization.CultureInfo.InvariantCulture, out var first)
                && int.TryParse(part[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var last)
                && first is >= 1 and <= 65535 && last >= first && last <= 65535 && last - first < MaxNodes)
            {
                addresses.AddRange(Enumerable.Range(first, last - first + 1).Select(p => new Uri($"http://127.0.0.1:{p}")));
            }
            else if (int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                addresses.Add(new Uri($"http://127.0.0.1:{port}"));
            }
            else if (Uri.TryCreate(part, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp)
            {
                addresses.Add(uri);
            }
            else
            {
                result.AddError($"--attach: '{part}' is not a port, a range of ports (5001-5010) or an http:// URL.");
                return null;
            }
        }

        if (addresses.Count < 2)
        {
            result.AddError("--attach needs at least two nodes.");
            return null;
        }

        return addresses;
    }

    private static Option<int?> IntOption(string name, string description, int min, int max, int defaultValue, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = name == "--random-seed" ? "seed" : "count",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => CliParsers.ParseInt(result, min, max),
        };

    /// <summary>
    /// A duration option without a default of its own (the description names it), so help does not print
    /// TimeSpan's 00:00:00.3000000; the parser reports a bad value as a parse error, never an exception.
    /// </summary>
    private static Option<TimeSpan?> DurationOption(string name, string description, bool allowZero, TimeSpan max) =>
        new(name)
        {
            Description = description,
            HelpName = "duration",
            CustomParser = result => CliParsers.ParseDuration(result, allowZero, max),
        };

    private static bool TryGetValue<T>(CommandResult result, Option<T> option, out T? value)
    {
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
