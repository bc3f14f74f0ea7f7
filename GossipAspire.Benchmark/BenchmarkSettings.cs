using System.Globalization;

namespace GossipAspire.Benchmark;

/// <summary>What one benchmark run does; parsed from the command line by <see cref="BenchmarkCli"/>.</summary>
public sealed record BenchmarkSettings
{
    public const int DefaultNodes = 10;
    public const int DefaultChanges = 60;
    public static readonly TimeSpan DefaultPickEvery = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan DefaultSettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a node's own pick timer is while the benchmark drives the picks: never, in practice.</summary>
    public static readonly TimeSpan QuietPickInterval = TimeSpan.FromHours(1);

    public int Nodes { get; init; } = DefaultNodes;

    public int Changes { get; init; } = DefaultChanges;

    /// <summary>First port; the nodes take consecutive ports from it. Null: free ports are found.</summary>
    public int? BasePort { get; init; }

    /// <summary>Where the JSON report goes; null: <c>results/&lt;name&gt;.json</c> beside the benchmark project.</summary>
    public string? Out { get; init; }

    public bool Aot { get; init; }

    /// <summary>Injected before every node-to-node request, at every node (Gossip:SendDelay).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>When set, the nodes pick on their own timers at this interval and the benchmark only watches.</summary>
    public TimeSpan? PickInterval { get; init; }

    /// <summary>Spacing of the picks the benchmark makes itself (when <see cref="PickInterval"/> is null).</summary>
    public TimeSpan PickEvery { get; init; } = DefaultPickEvery;

    /// <summary>
    /// Untimed picks before the timed ones, round-robin over the nodes (null: one at every node), so the first
    /// timed changes do not pay for cold connections and code run for the first time.
    /// </summary>
    public int? Warmup { get; init; }

    public int WarmupPicks => Warmup ?? Nodes;

    /// <summary>Before starting the nodes, wait (up to 10 minutes) until other processes leave the cores idle.</summary>
    public bool WaitQuiet { get; init; }

    /// <summary>A built node to run (GossipAspire.Node.dll or a native binary) instead of building one.</summary>
    public string? NodePath { get; init; }

    /// <summary>Seeds the choice of which node picks, so two runs pick in the same order.</summary>
    public int RandomSeed { get; init; } = 42;

    /// <summary>How long to wait for the last change to reach every node, and for the cluster to converge at start.</summary>
    public TimeSpan SettleTimeout { get; init; } = DefaultSettleTimeout;

    public bool DrivesPicks => PickInterval is null;

    /// <summary>Nodes already running (an AppHost's) to measure instead of starting any; null: start our own.</summary>
    public IReadOnlyList<Uri>? Attach { get; init; }

    /// <summary>A name that says what ran: <c>10-nodes</c>, <c>25-nodes-delay-100ms</c>, <c>10-nodes-aot</c>.</summary>
    public string Name
    {
        get
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{(Attach is null ? "" : "attached-")}{Nodes}-nodes");
            if (Delay > TimeSpan.Zero)
            {
                name += "-delay-" + Duration.Format(Delay);
            }

            if (Warmup is { } warmup && warmup != Nodes)
            {
                name += string.Create(CultureInfo.InvariantCulture, $"-warmup-{warmup}");
            }

            if (PickInterval is { } interval)
            {
                name += "-pick-" + Duration.Format(interval);
            }

            if (Aot)
            {
                name += "-aot";
            }

            return name;
        }
    }
}
