namespace GossipAspire.Lab.Configuration;

/// <summary>
/// Every setting of the Lab, bound from the <c>Lab</c> configuration section (<c>Lab__PollInterval=00:00:02</c>,
/// <c>--Lab:DashboardUrl=...</c>, appsettings). Nodes also come from Aspire's <c>services:*</c> variables and from
/// <c>--node</c>/<c>--nodes</c> on the command line (<see cref="LabCommandLine"/>).
/// </summary>
public sealed class LabOptions
{
    public const string SectionName = "Lab";
    public const string DefaultUrl = "http://127.0.0.1:5100";

    /// <summary>Node URLs to watch when no AppHost names them; one seed is enough, peers are followed.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>The Aspire dashboard's base URL, so every change links to its trace. None: no trace links.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>How often every node's <c>/state/</c> and <c>/history/</c> are read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The timeout of each single request to a node.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Whether the peers a node lists in <c>/state/</c> are watched too.</summary>
    public bool FollowPeers { get; set; } = true;

    /// <summary>How many book changes the Lab keeps (the newest by pick time); older ones are forgotten.</summary>
    public int MaxChanges { get; set; } = 500;

    /// <summary>Events asked for in one <c>GET /history/</c> (its <c>limit</c>).</summary>
    public int HistoryPageSize { get; set; } = 500;

    /// <summary>At most this many <c>/history/</c> pages per node and poll, so catching up never stalls a round.</summary>
    public int HistoryPagesPerPoll { get; set; } = 4;

    /// <summary>
    /// A node updates an event's <c>duplicates</c> in place; the Lab reads each node's events of this last
    /// window again on every poll so the counts stay current.
    /// </summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Freshness figures kept for the chart on the network page (one per poll).</summary>
    public int FreshnessHistoryLength { get; set; } = 120;
}
