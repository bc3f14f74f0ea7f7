using System.Diagnostics;
using System.Text.Json;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Dashboard.Resources;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Gossip;

/// <summary>
/// Polls every known node's <c>GET /state/</c> at a modest rate (1 s by default, each request with its own
/// timeout) and publishes the network as a <see cref="GossipSnapshot"/>. Nodes come from the AppHost's resources
/// (their http URLs), from <c>Dashboard:Gossip:Nodes</c>, and, unless switched off, from the peers each node
/// reports, so one seed URL is enough to find a whole network.
/// </summary>
public sealed partial class GossipMonitor(
    IOptions<DashboardOptions> options,
    ResourceServiceClient resources,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILogger<GossipMonitor> logger) : BackgroundService
{
    public const string HttpClientName = "gossip-state";
    private const int HistoryLength = 120;
    private const int ForgetAfterFailures = 10;

    private readonly GossipOptions _options = options.Value.Gossip;
    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];
    private readonly Dictionary<string, int> _crawled = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<double> _history = [];
    private GossipSnapshot _snapshot = GossipSnapshot.Empty;

    public GossipSnapshot Snapshot
    {
        get
        {
            lock (_lock)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>True when there is anything to poll (resources with URLs, configured nodes, or found peers).</summary>
    public bool HasSources => resources.IsConfigured || _options.Nodes.Count > 0;

    public Subscription Subscribe(Func<Task> callback)
    {
        Subscription? subscription = null;
        subscription = new Subscription(callback, TimeSpan.Zero, timeProvider,
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
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds), timeProvider);
        try
        {
            do
            {
                if (HasSources)
                {
                    await PollOnceAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: poll every known node in parallel, then publish the new snapshot.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var targets = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in resources.GetResources())
        {
            if (resource.HttpUrl is { } url && resource.ResourceType != "Dashboard")
            {
                targets[Normalize(url)] = resource.Name;
            }
        }

        foreach (var node in _options.Nodes)
        {
            targets.TryAdd(Normalize(node), null);
        }

        lock (_lock)
        {
            foreach (var url in _crawled.Keys)
            {
                targets.TryAdd(url, null);
            }
        }

        var client = httpClientFactory.CreateClient(HttpClientName);
        var states = await Task.WhenAll(targets.Select(t => PollAsync(client, t.Key, t.Value, cancellationToken)));

        // Resources that are not gossip nodes (anything without a /state/ document) are left out.
        var nodes = GossipSnapshot.InDisplayOrder(states.Where(s => s.Reachable || s.ResourceName is null || s.Error != NotANode)).ToList();

        GossipSnapshot snapshot;
        Subscription[] subscribers;
        lock (_lock)
        {
            foreach (var state in states)
            {
                if (_crawled.ContainsKey(state.Url))
                {
                    _crawled[state.Url] = state.Reachable ? 0 : _crawled[state.Url] + 1;
                    if (_crawled[state.Url] >= ForgetAfterFailures && !targets.ContainsKey(state.Url))
                    {
                        _crawled.Remove(state.Url);
                    }
                }
            }

            if (_options.CrawlPeers)
            {
                foreach (var peer in states.Where(s => s.Reachable).SelectMany(s => s.Peers).Distinct())
                {
                    if (PeerUrl(peer) is { } url && !targets.ContainsKey(url))
                    {
                        _crawled.TryAdd(url, 0);
                    }
                }
            }

            snapshot = new GossipSnapshot(timeProvider.GetUtcNow().UtcDateTime, nodes, []);
            if (snapshot.Freshness is { } freshness)
            {
                _history.Add(freshness);
                if (_history.Count > HistoryLength)
                {
                    _history.RemoveAt(0);
                }
            }

            snapshot = snapshot with { FreshnessHistory = [.. _history] };
            _snapshot = snapshot;
            subscribers = [.. _subscriptions];
        }

        foreach (var subscription in subscribers)
        {
            subscription.Notify();
        }
    }

    private const string NotANode = "not a gossip node (no /state/ document)";

    private async Task<NodeState> PollAsync(HttpClient client, string url, string? resourceName, CancellationToken cancellationToken)
    {
        var fallbackId = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : url;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(_options.RequestTimeoutMilliseconds));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url + "/state/");
            request.Headers.TryAddWithoutValidation("traceparent", NotSampledTraceParent());
            using var response = await client.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new NodeState { Url = url, Id = fallbackId, ResourceName = resourceName, Error = response.StatusCode == System.Net.HttpStatusCode.NotFound ? NotANode : $"HTTP {(int)response.StatusCode}" };
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: timeout.Token);
            return Parse(url, resourceName, document.RootElement);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var error = ex is OperationCanceledException ? $"no answer within {_options.RequestTimeoutMilliseconds} ms" : ex.Message;
            return new NodeState { Url = url, Id = fallbackId, ResourceName = resourceName, Error = error };
        }
    }

    /// <summary>
    /// A W3C trace context whose sampled flag is off. These polls are the dashboard's work, not the application's:
    /// the node's OpenTelemetry SDK (parent-based sampling, its default) then records no span for them. Without it
    /// every poll was a trace of its own, ten a second with ten nodes, crowding the gossip's traces out of the
    /// store and off the Traces page.
    /// </summary>
    public static string NotSampledTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";

    /// <summary>Reads a <c>/state/</c> document (docs/PROTOCOL.md section 6); keys it does not know are ignored.</summary>
    public static NodeState Parse(string url, string? resourceName, JsonElement root)
    {
        var world = new Dictionary<string, WorldEntry>(StringComparer.Ordinal);
        if (root.TryGetProperty("world", out var worldElement) && worldElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var origin in worldElement.EnumerateObject())
            {
                world[origin.Name] = new WorldEntry(
                    origin.Value.GetProperty("version").GetInt64(),
                    origin.Value.TryGetProperty("book", out var book) ? book.GetString() ?? "" : "",
                    Time(origin.Value, "picked_at"),
                    Time(origin.Value, "received_at"));
            }
        }

        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        if (root.TryGetProperty("stats", out var statsElement) && statsElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var stat in statsElement.EnumerateObject().Where(s => s.Value.ValueKind == JsonValueKind.Number && s.Value.TryGetInt64(out _)))
            {
                stats[stat.Name] = stat.Value.GetInt64();
            }
        }

        return new NodeState
        {
            Url = url,
            Id = root.GetProperty("id").GetString() ?? throw new FormatException("id is null"),
            ResourceName = resourceName,
            Reachable = true,
            Version = root.GetProperty("version").GetInt64(),
            Book = root.TryGetProperty("book", out var ownBook) ? ownBook.GetString() ?? "" : "",
            Peers = root.TryGetProperty("peers", out var peers) && peers.ValueKind == JsonValueKind.Array
                ? [.. peers.EnumerateArray().Select(p => p.GetString() ?? "").Where(p => p.Length > 0)]
                : [],
            World = world,
            Stats = stats,
            StartedAt = Time(root, "started_at"),
        };
    }

    /// <summary>Where a peer id lives: "5001" is http://127.0.0.1:5001, "host:port" is http://host:port.</summary>
    public static string? PeerUrl(string peerId) =>
        int.TryParse(peerId, out var port) && port is > 0 and < 65536 ? $"http://127.0.0.1:{port}"
        : peerId.Contains(':') && Uri.TryCreate("http://" + peerId, UriKind.Absolute, out var uri) ? Normalize(uri.ToString())
        : null;

    private static string Normalize(string url) => url.TrimEnd('/').Replace("://localhost:", "://127.0.0.1:", StringComparison.OrdinalIgnoreCase);

    private static DateTime? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out var time)
            ? time.ToUniversalTime()
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gossip view subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
