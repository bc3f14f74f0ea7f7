using System.Globalization;

namespace GossipAspire.Benchmark.Gem;

/// <summary>What one mixed-network run does; parsed from the command line by <see cref="MixedCli"/>.</summary>
public sealed record MixedSettings
{
    public const int DefaultNodes = 10;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(90);

    /// <summary>All nodes of the chain, ours and stand-in gem nodes alternating, ours first.</summary>
    public int Nodes { get; init; } = DefaultNodes;

    /// <summary>The measurement window: the time over which freshness is averaged and picks are timed.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>How long the network runs on after the window, so picks made late in it can still spread.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The stand-in gem nodes' push interval (the gem: 10 s).</summary>
    public TimeSpan GemPush { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The stand-in gem nodes' pick interval (the gem: 15 s).</summary>
    public TimeSpan GemPick { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Our nodes' own pick interval (Gossip:PickInterval, the node's default 10 s).</summary>
    public TimeSpan PickInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for every node to hold an entry of every other before the window starts.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First port; the nodes take consecutive ports from it. Null: free ports are found.</summary>
    public int? BasePort { get; init; }

    /// <summary>Where the JSON report goes; null: <c>results/&lt;name&gt;.json</c> beside the benchmark project.</summary>
    public string? Out { get; init; }

    /// <summary>A built node to run (GossipAspire.Node.dll or a native binary) instead of building one.</summary>
    public string? NodePath { get; init; }

    /// <summary>How many of the nodes are ours (positions 0, 2, 4, ...).</summary>
    public int OurNodes => (Nodes + 1) / 2;

    public int GemNodes => Nodes / 2;

    /// <summary><c>mixed-10-nodes</c>, with the gem's intervals when they are not its own.</summary>
    public string Name
    {
        get
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"mixed-{Nodes}-nodes");
            if (GemPush != TimeSpan.FromSeconds(10) || GemPick != TimeSpan.FromSeconds(15))
            {
                name += $"-gem-{Benchmark.Duration.Format(GemPush)}-{Benchmark.Duration.Format(GemPick)}";
            }

            return name;
        }
    }
}
