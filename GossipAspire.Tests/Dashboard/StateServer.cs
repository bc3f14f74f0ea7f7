using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// A small real HTTP server that answers <c>GET /state/</c> with a document in the shape docs/PROTOCOL.md
/// section 6 gives, for the gossip views to be tested while the node itself has not landed on main. Its id is
/// its port, as the protocol says; the test sets what it knows.
/// </summary>
public sealed class StateServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Version, string Book)> _world = [];
    private List<string> _peers = [];

    private StateServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
        Id = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    public string Id { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public long Version { get; private set; }

    public string Book { get; private set; } = "";

    /// <summary>The <c>traceparent</c> header of the latest <c>GET /state/</c>, if it had one.</summary>
    public string? LastTraceParent { get; private set; }

    public static async Task<StateServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        StateServer? server = null;
        app.MapGet("/state/", (HttpRequest request) =>
        {
            server!.LastTraceParent = request.Headers.TraceParent;
            return Results.Text(server.Document(), "application/json");
        });
        await app.StartAsync();
        var address = app.Urls.First();
        server = new StateServer(app, new Uri(address).Port);
        return server;
    }

    /// <summary>The node picks: its own version and book change, and it knows its own pick at once.</summary>
    public void Pick(long version, string book)
    {
        lock (_lock)
        {
            Version = version;
            Book = book;
            _world[Id] = (version, book);
        }
    }

    public void Learn(string origin, long version, string book)
    {
        lock (_lock)
        {
            _world[origin] = (version, book);
        }
    }

    public void SetPeers(IEnumerable<string> peers)
    {
        lock (_lock)
        {
            _peers = [.. peers.Where(p => p != Id)];
        }
    }

    private string Document()
    {
        lock (_lock)
        {
            var world = new JsonObject();
            foreach (var (origin, (version, book)) in _world)
            {
                world[origin] = new JsonObject
                {
                    ["version"] = version,
                    ["book"] = book,
                    ["picked_at"] = "2026-11-24T19:00:00.123456Z",
                    ["received_at"] = "2026-11-24T19:00:00.125012Z",
                };
            }

            return new JsonObject
            {
                ["id"] = Id,
                ["version"] = Version,
                ["book"] = Book,
                ["peers"] = new JsonArray([.. _peers.Select(p => (JsonNode)p)]),
                ["world"] = world,
                ["started_at"] = "2026-11-24T18:59:50.000000Z",
                ["stats"] = new JsonObject { ["requests_sent"] = 12, ["messages_received"] = 30 },
            }.ToJsonString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
