using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GossipAspire.Tests.Lab;

/// <summary>
/// A small real HTTP server that answers <c>GET /state/</c> and <c>GET /history/</c> as docs/PROTOCOL.md
/// section 7 gives them, with what the test sets: for the cases a real node does not show on demand (an older
/// node without the new history keys or without /history/ at all, a duplicate count that grows in place,
/// evicted events, a node that restarts). It records every request's query and traceparent.
/// </summary>
public sealed class FakeNodeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _events = [];
    private readonly List<string> _requests = [];
    private readonly List<string?> _traceParents = [];
    private readonly Dictionary<string, long> _world = [];
    private string _startedAt = "2026-11-24T18:59:50.000000Z";
    private long _evicted;

    private FakeNodeServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Id = port.ToString(CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    public string Id { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>False: <c>/history/</c> answers 404, as on the Ruby gem or a node from before it.</summary>
    public bool HasHistory { get; set; } = true;

    public List<string> Peers { get; } = [];

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<string?> TraceParents
    {
        get
        {
            lock (_lock)
            {
                return [.. _traceParents];
            }
        }
    }

    public static async Task<FakeNodeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeNodeServer? server = null;
        app.MapGet("/state/", (HttpRequest request) => Results.Text(server!.State(request), "application/json"));
        app.MapGet("/history/", (HttpRequest request) =>
            server!.History(request) is { } body ? Results.Text(body, "application/json") : Results.NotFound());
        await app.StartAsync();
        server = new FakeNodeServer(app, new Uri(app.Urls.First()).Port);
        return server;
    }

    public void Holds(string origin, long version)
    {
        lock (_lock)
        {
            _world[origin] = version;
        }
    }

    /// <summary>Adds a history event (seq given by the test); null values are left out, as an older node would.</summary>
    public void AddEvent(long seq, string origin, long version, string? uuid = null, string? from = null, int? hop = null, string? traceId = null, int? duplicates = null, bool? repair = null)
    {
        var e = new JsonObject
        {
            ["seq"] = seq,
            ["origin"] = origin,
            ["version"] = version,
            ["picked_at"] = "2026-11-24T19:00:00.100000Z",
            ["received_at"] = $"2026-11-24T19:00:00.{100000 + (seq % 1000) * 100:000000}Z",
        };
        Put(e, "uuid", uuid);
        Put(e, "from", from);
        Put(e, "hop", hop);
        Put(e, "trace_id", traceId);
        Put(e, "duplicates", duplicates);
        Put(e, "repair", repair);
        lock (_lock)
        {
            _events.Add(e);
            _world[origin] = Math.Max(_world.GetValueOrDefault(origin), version);
        }
    }

    /// <summary>The node counts another copy of the change it logged at <paramref name="seq"/> (updated in place).</summary>
    public void SetDuplicates(long seq, int duplicates)
    {
        lock (_lock)
        {
            _events.Single(e => (long)e["seq"]! == seq)["duplicates"] = duplicates;
        }
    }

    /// <summary>The node drops its oldest events, as its bounded log does.</summary>
    public void Evict(int count)
    {
        lock (_lock)
        {
            _events.RemoveRange(0, count);
            _evicted += count;
        }
    }

    /// <summary>The node restarts: a new start time and an empty log.</summary>
    public void Restart(string startedAt)
    {
        lock (_lock)
        {
            _startedAt = startedAt;
            _events.Clear();
            _world.Clear();
            _evicted = 0;
        }
    }

    private string State(HttpRequest request)
    {
        lock (_lock)
        {
            _traceParents.Add(request.Headers.TraceParent);
            var world = new JsonObject();
            foreach (var (origin, version) in _world)
            {
                world[origin] = new JsonObject { ["version"] = version, ["book"] = $"Book of {origin}" };
            }

            return new JsonObject
            {
                ["id"] = Id,
                ["version"] = _world.GetValueOrDefault(Id, 1),
                ["book"] = $"Book of {Id}",
                ["peers"] = new JsonArray([.. Peers.Select(p => (JsonNode)p)]),
                ["world"] = world,
                ["started_at"] = _startedAt,
                ["stats"] = new JsonObject { ["requests_sent"] = 12 },
            }.ToJsonString();
        }
    }

    private string? History(HttpRequest request)
    {
        lock (_lock)
        {
            _traceParents.Add(request.Headers.TraceParent);
            _requests.Add(request.QueryString.Value ?? "");
            if (!HasHistory)
            {
                return null;
            }

            var after = long.Parse(request.Query["after"].ToString() is { Length: > 0 } a ? a : "0", CultureInfo.InvariantCulture);
            var limit = int.Parse(request.Query["limit"].ToString() is { Length: > 0 } l ? l : "1000", CultureInfo.InvariantCulture);
            var oldest = _events.Count > 0 ? (long)_events[0]["seq"]! : after;
            var evicted = Math.Max(0, Math.Min(oldest - 1, _evicted) - after);
            var page = _events.Where(e => (long)e["seq"]! > after).Take(limit).Select(e => e.DeepClone()).ToList();
            var last = _events.Count > 0 ? (long)_events[^1]["seq"]! : 0;
            return new JsonObject
            {
                ["next"] = page.Count > 0 ? (long)page[^1]!["seq"]! : Math.Min(after, last),
                ["oldest"] = oldest,
                ["evicted"] = evicted,
                ["events"] = new JsonArray([.. page]),
            }.ToJsonString();
        }
    }

    private static void Put(JsonObject e, string key, object? value)
    {
        switch (value)
        {
            case string s:
                e[key] = s;
                break;
            case int i:
                e[key] = i;
                break;
            case bool b:
                e[key] = b;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
