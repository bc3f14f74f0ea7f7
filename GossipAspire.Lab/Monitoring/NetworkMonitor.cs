using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Configuration;
using GossipAspire.Lab.Nodes;
using Microsoft.Extensions.Options;

namespace GossipAspire.Lab.Monitoring;

/// <summary>
/// Polls every node the <see cref="NodeDirectory"/> names, about every <see cref="LabOptions.PollInterval"/>:
/// its <c>GET /state/</c> for the network and the matrix, then its <c>GET /history/</c> for the changes. Each
/// poll ends in one new <see cref="NetworkSnapshot"/>, and the pages that subscribed are told (throttled).
/// </summary>
public sealed partial class NetworkMonitor(
    IOptions<LabOptions> options,
    NodeDirectory directory,
    NodeClient client,
    HistoryCollector history,
    ChangeLog changes,
    TimeProvider timeProvider,
    ILogger<NetworkMonitor> logger) : BackgroundService
{
    /// <summary>The least time between two redraws of one page.</summary>
    public static readonly TimeSpan UiRefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly LabOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];
    private readonly Queue<FreshnessPoint> _freshness = new();
    private readonly HashSet<string> _failing = new(StringComparer.Ordinal);
    private NetworkSnapshot _snapshot = NetworkSnapshot.Empty;
    private long _polls;

    public NetworkSnapshot Snapshot
    {
        get
        {
            lock (_lock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>Polls done so far (tests wait on it).</summary>
    public long Polls => Interlocked.Read(ref _polls);

    public bool HasNodes => directory.HasNodes;

    /// <summary>Runs <paramref name="callback"/> after each poll, at most once per <see cref="UiRefreshInterval"/>.</summary>
    public Subscription Subscribe(Func<Task> callback)
    {
        var subscription = new Subscription(callback, UiRefreshInterval, timeProvider,
            s =>
            {
                lock (_lock)
                {
                    _subscriptions.Remove(s);
                }
            },
            ex => LogSubscriberFailed(logger, ex));
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!directory.HasNodes)
        {
            LogNoNodes(logger);
        }
        else
        {
            LogWatching(logger, string.Join(", ", directory.Configured.Select(c => c.ResourceName is null ? c.Url : $"{c.ResourceName}={c.Url}")));
        }

        using var timer = new PeriodicTimer(_options.PollInterval, timeProvider);
        try
        {
            do
            {
                await PollOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: every node at once, then the new snapshot.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var targets = directory.Targets();
        var polled = await Task.WhenAll(targets.Select(t => PollNodeAsync(t, cancellationToken)));
        changes.Trim();
        foreach (var url in directory.Learn(polled))
        {
            history.Forget(url);
        }

        var at = timeProvider.GetUtcNow().UtcDateTime;
        Subscription[] subscribers;
        lock (_lock)
        {
            while (_freshness.Count >= _options.FreshnessHistoryLength)
            {
                _freshness.Dequeue();
            }

            _snapshot = new NetworkSnapshot(at, polled, _freshness);
            if (_snapshot.Freshness is { } freshness)
            {
                _freshness.Enqueue(new FreshnessPoint(at, freshness));
            }
            subscribers = [.. _subscriptions];
        }

        Interlocked.Increment(ref _polls);
        foreach (var subscription in subscribers)
        {
            subscription.Notify();
        }
    }

    private async Task<NodeInfo> PollNodeAsync(NodeTarget target, CancellationToken cancellationToken)
    {
        var read = await client.GetStateAsync(target.Url, cancellationToken);
        if (read.Value is not { } state)
        {
            var error = read.Status == System.Net.HttpStatusCode.NotFound ? "no /state/ document (not a gossip node?)" : read.Error;
            ReportFailure(target.Url, error);
            return new NodeInfo { Url = target.Url, Id = NodeAddress.DefaultId(target.Url), ResourceName = target.ResourceName, Error = error };
        }

        ReportRecovery(target.Url);
        var status = await history.CollectAsync(target.Url, state, cancellationToken);
        return new NodeInfo
        {
            Url = target.Url,
            Id = state.Id,
            ResourceName = target.ResourceName,
            Reachable = true,
            Version = state.Version,
            Book = state.Book,
            Peers = state.Peers,
            World = state.World,
            Stats = state.Stats,
            StartedAt = state.StartedAt,
            History = status.Availability,
            HistoryError = status.Error,
            HistoryEventsMissed = status.EventsMissed,
        };
    }

    /// <summary>A node that stops answering is logged once, not every second.</summary>
    private void ReportFailure(string url, string? error)
    {
        bool first;
        lock (_lock)
        {
            first = _failing.Add(url);
        }

        if (first)
        {
            LogNodeDown(logger, url, error);
        }
    }

    private void ReportRecovery(string url)
    {
        bool was;
        lock (_lock)
        {
            was = _failing.Remove(url);
        }

        if (was)
        {
            LogNodeUp(logger, url);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No nodes to watch: run the Lab under the AppHost, or name a node with --node URL or Lab:Nodes")]
    private static partial void LogNoNodes(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Nodes} (and their peers)")]
    private static partial void LogWatching(ILogger logger, string nodes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Url} does not answer: {Error}")]
    private static partial void LogNodeDown(ILogger logger, string url, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Url} answers again")]
    private static partial void LogNodeUp(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A page's update failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
