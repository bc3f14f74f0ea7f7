using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GossipAspire.Tests.Benchmark;

/// <summary>
/// Stand-in nodes that speak the tool API (docs/PROTOCOL.md section 6: /health, /state/, /pick/, /history/), each
/// a real HTTP server on its own loopback port, sharing one in-memory "network": a pick is known at once by every
/// node a rule does not exclude, stamped as received <see cref="Hop"/> × (distance in the chain) after the pick,
/// and counted at the origin as one request of 200 bytes to each other node. The benchmark's driver cannot tell
/// it from a real cluster, and a test knows exactly what it should measure.
/// </summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    public const int BytesPerRequest = 200;

    /// <summary>Small pages, so the benchmark has to follow <c>next</c>.</summary>
    public const int HistoryPageSize = 5;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly Lock _lock = new();
    private readonly List<FakeNode> _nodes = [];
    private readonly Func<int, int, bool> _delivers;

    private FakeCluster(TimeSpan hop, Func<int, int, bool> delivers)
    {
        Hop = hop;
        _delivers = delivers;
    }

    public TimeSpan Hop { get; }

    public IReadOnlyList<FakeNode> Nodes => _nodes;

    /// <param name="delivers">(observer index, new version) → whether that observer learns it; all by default.</param>
    public static async Task<FakeCluster> StartAsync(int count, TimeSpan hop, Func<int, int, bool>? delivers = null)
    {
        var cluster = new FakeCluster(hop, delivers ?? ((_, _) => true));
        try
        {
            for (var i = 0; i < count; i++)
            {
                cluster._nodes.Add(await FakeNode.StartAsync(cluster, i));
            }

            // Every node has picked once and everyone knows it: a converged cluster.
            foreach (var node in cluster._nodes)
            {
                cluster.Pick(node);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public int Picks { get; private set; }

    public (long Version, string Book) Pick(FakeNode origin)
    {
        lock (_lock)
        {
            Picks++;
            var version = origin.Version + 1;
            var book = $"Book {version}";
            var pickedAt = DateTimeOffset.UtcNow;
            origin.Version = version;
            origin.Learn(origin.Id, version, book, pickedAt, pickedAt);
            foreach (var observer in _nodes.Where(n => n != origin))
            {
                if (_delivers(observer.Index, (int)version))
                {
                    observer.Learn(origin.Id, version, book, pickedAt, pickedAt + (Hop * Math.Abs(observer.Index - origin.Index)));
                }
            }

            var others = _nodes.Count - 1;
            origin.RequestsSent += others;
            origin.BytesSent += BytesPerRequest * others;
            origin.MessagesSent += others;
            return (version, book);
        }
    }

    public string StateJson(FakeNode node)
    {
        lock (_lock)
        {
            return JsonSerializer.Serialize(
                new
                {
                    id = node.Id,
                    version = node.Version,
                    book = node.World.TryGetValue(node.Id, out var own) ? own.Book : null,
                    peers = _nodes.Where(n => n != node).Select(n => n.Id).ToList(),
                    world = node.World.ToDictionary(w => w.Key, w => new { version = w.Value.Version, book = w.Value.Book, picked_at = w.Value.PickedAt, received_at = w.Value.ReceivedAt }),
                    started_at = node.StartedAt,
                    stats = new
                    {
                        requests_sent = node.RequestsSent,
                        bytes_sent = node.BytesSent,
                        requests_failed = 0,
                        messages_sent = node.MessagesSent,
                        messages_received = 0,
                        messages_duplicate = 0,
                        messages_dropped = 0,
                    },
                    a_key_the_benchmark_does_not_know = true,
                },
                s_json);
        }
    }

    public string HistoryJson(FakeNode node, long after)
    {
        lock (_lock)
        {
            var events = node.History.Where(e => e.Seq > after).Take(HistoryPageSize).ToList();
            var next = events.Count > 0 ? events[^1].Seq : after;
            return JsonSerializer.Serialize(new { next, events }, s_json);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.App.DisposeAsync();
        }
    }
}

internal sealed record FakeEvent(long Seq, string Origin, long Version, DateTimeOffset PickedAt, DateTimeOffset ReceivedAt);

internal sealed class FakeNode
{
    private FakeNode(WebApplication app, int index, int port)
    {
        App = app;
        Index = index;
        Port = port;
        Id = port.ToString(CultureInfo.InvariantCulture);
    }

    public WebApplication App { get; }

    public int Index { get; }

    public int Port { get; }

    public string Id { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public long Version { get; set; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Dictionary<string, (long Version, string Book, DateTimeOffset PickedAt, DateTimeOffset ReceivedAt)> World { get; } = [];

    public List<FakeEvent> History { get; } = [];

    public long RequestsSent { get; set; }

    public long BytesSent { get; set; }

    public long MessagesSent { get; set; }

    public void Learn(string origin, long version, string book, DateTimeOffset pickedAt, DateTimeOffset receivedAt)
    {
        if (World.TryGetValue(origin, out var known) && known.Version >= version)
        {
            return;
        }

        World[origin] = (version, book, pickedAt, receivedAt);
        History.Add(new FakeEvent(History.Count + 1, origin, version, pickedAt, receivedAt));
    }

    public static async Task<FakeNode> StartAsync(FakeCluster cluster, int index)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeNode? node = null;
        app.MapGet("/health", () => TypedResults.Text("Healthy"));
        app.MapGet("/state/", () => TypedResults.Text(cluster.StateJson(node!), "application/json"));
        app.MapPost("/pick/", () =>
        {
            var (version, book) = cluster.Pick(node!);
            return TypedResults.Json(new { version, book });
        });
        app.MapGet("/history/", (long? after) => TypedResults.Text(cluster.HistoryJson(node!, after ?? 0), "application/json"));
        await app.StartAsync();
        node = new FakeNode(app, index, new Uri(app.Urls.First()).Port);
        return node;
    }
}
