namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// What one reliability run does (issue 9, section 4), parsed from <c>reliability</c>'s command line by
/// <see cref="ReliabilityCli"/>. The defaults are the long versions; the tests run the same scenarios shorter.
/// </summary>
public sealed record ReliabilitySettings
{
    public const string Freeze = "freeze";
    public const string Restart = "restart";
    public const string Flood = "flood";
    public const string Hostile = "hostile";
    public const string Startup = "startup";

    /// <summary>Every scenario, in the order a full run takes them.</summary>
    public static readonly IReadOnlyList<string> AllScenarios = [Freeze, Restart, Flood, Hostile, Startup];

    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    public int Nodes { get; init; } = 10;

    /// <summary>Samples of freeze and restart, each at another node of one cluster; medians are quoted.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Samples of the start-up, each a fresh cluster; medians are quoted.</summary>
    public int StartupRuns { get; init; } = 5;

    /// <summary>How long a node stays frozen (SIGSTOP) before SIGCONT.</summary>
    public TimeSpan FreezeFor { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Keep the node frozen beyond <see cref="FreezeFor"/> until every peer has dropped it (tests).</summary>
    public bool FreezeUntilDropped { get; init; }

    /// <summary>Spacing of the picks made at the live nodes while a node is frozen or down, and beside the hostile feed.</summary>
    public TimeSpan PickEvery { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the live nodes go on picking while a killed node is down, before it restarts.</summary>
    public TimeSpan DownFor { get; init; } = TimeSpan.FromSeconds(2);

    public int FloodRate { get; init; } = 50;

    public TimeSpan FloodFor { get; init; } = TimeSpan.FromMinutes(2);

    public int HostilePeers { get; init; } = 500;

    /// <summary>Real picks go on at least this long once the hostile feed starts.</summary>
    public TimeSpan HostileWatch { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait for anything to happen (agreement, a drop, a catch-up) before it counts as a failure.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>More configuration for every node, as <c>Key=Value</c> (<c>Gossip:AntiEntropyInterval=01:00:00</c>).</summary>
    public IReadOnlyList<string> NodeSettings { get; init; } = [];

    public string? NodePath { get; init; }

    public bool Aot { get; init; }

    public bool WaitQuiet { get; init; }

    /// <summary>Where the JSON report goes; null: <c>results/reliability.json</c> beside the benchmark project.</summary>
    public string? Out { get; init; }

    /// <summary>Environment every node gets over the launcher's quiet defaults (a test raises the log level).</summary>
    public IReadOnlyDictionary<string, string>? NodeEnvironment { get; init; }

    /// <summary>Receives every line a node writes, with its id (a test's output).</summary>
    public Action<string, NodeOutputLine>? NodeOutput { get; init; }

    /// <summary>
    /// The arguments every node gets besides its port and seed: no picks of its own (the runs make every change
    /// and so know every current version), then <see cref="NodeSettings"/>.
    /// </summary>
    public IReadOnlyList<string> NodeArguments =>
    [
        $"--Gossip:PickInterval={Duration.ToConfiguration(BenchmarkSettings.QuietPickInterval)}",
        .. NodeSettings.Select(setting => "--" + setting),
    ];

    public ClusterSpec Cluster(bool together = false) => new(Nodes, NodeArguments)
    {
        Together = together,
        Environment = NodeEnvironment,
        Output = NodeOutput,
    };
}
