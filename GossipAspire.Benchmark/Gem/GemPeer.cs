using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GossipAspire.Benchmark.Gem;

/// <summary>
/// A faithful stand-in for a node of the original Ruby <c>gossip_server</c> gem (which cannot be installed here),
/// for tests and measurements of a mixed network: an in-process Kestrel server on 127.0.0.1 that behaves as the gem
/// does (issue 9, section 1), and lets its owner read what it holds.
/// </summary>
/// <remarks>
/// <para>Paths, exactly: <c>POST /gossip</c>, <c>GET /peers/:client_id</c> and <c>GET /</c>; anything else, with a
/// trailing slash or another method included (<c>POST /gossip/</c>, <c>POST /digest/</c>, <c>GET /peers/</c>), is a
/// 404 (Sinatra's "Not Found" page).</para>
/// <para><c>POST /gossip</c>: a key other than <c>client_id</c> and <c>messages</c> in the envelope, or other than
/// <c>uuid</c>, <c>client_id</c>, <c>ttl</c> and <c>payload</c> in a message, is a 500 (see <see cref="GemWire"/>);
/// an empty <c>client_id</c> gets <c>200 {"status":"ERROR"}</c> and changes nothing. Otherwise the sender becomes a
/// peer, each message whose uuid is new and whose ttl is above 0 goes into the message cache with <c>ttl - 1</c>,
/// and an origin's book is the one of the highest version learned; the answer is <c>{"status":"OK"}</c>. It learns
/// books only from pushes: nothing else it does asks anyone for one.</para>
/// <para><c>GET /peers/:client_id</c>: the caller becomes a peer; the answer is a JSON array of its other peers.</para>
/// <para>Every <see cref="GemPeerOptions.PushInterval"/> (10 s) it POSTs its whole message cache, as stored, to
/// <see cref="GemPeerOptions.Fanout"/> (2) random peers at <c>http://localhost:{id}/gossip</c> (so only port ids
/// work), one after the other, and drops a peer at once when the answer is not <c>{"status":"OK"}</c> or the request
/// fails. Every <see cref="GemPeerOptions.PickInterval"/> (15 s) it picks a new book with version 1, 2, 3... (1 at
/// start), which goes into its cache with ttl <see cref="GemPeerOptions.Ttl"/> and out with the next push. At start
/// it calls <c>GET /peers/{own port}</c> on its seed once and takes the seed and the answer as peers; if the seed is
/// not up it stops (<see cref="GemCrashedException"/>).</para>
/// <para>Where the issue says nothing, it takes the plain reading: a push's sender and a caller of
/// <c>/peers/:client_id</c> become peers, a message with ttl 0 or less is not kept, a missing key is a 500 like an
/// unknown one, and the cache keeps everything for the node's life.</para>
/// </remarks>
public sealed class GemPeer : IAsyncDisposable
{
    private const string NotFoundPage = "<!DOCTYPE html><html><body><h2>Sinatra doesn't know this ditty.</h2></body></html>";
    private const string ErrorPage = "<h1>Internal Server Error</h1>";

    private readonly GemPeerOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random = new();
    private readonly Lock _lock = new();
    private readonly List<string> _peers = [];
    private readonly List<GemMessage> _cache = [];
    private readonly HashSet<string> _uuids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GemBook> _books = new(StringComparer.Ordinal);
    private readonly List<GemLearned> _learned = [];
    private readonly List<GemRequest> _requests = [];
    private readonly List<GemPush> _pushes = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _client;
    private WebApplication? _app;
    private Task _loops = Task.CompletedTask;
    private long _version;

    private GemPeer(GemPeerOptions options)
    {
        _options = options;
        _time = options.Time;
        Id = options.Port.ToString(CultureInfo.InvariantCulture);
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = options.RequestTimeout })
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>Its id: its port, as a string.</summary>
    public string Id { get; }

    public int Port => _options.Port;

    /// <summary>Where it listens: http://127.0.0.1:{port}/.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Its peers, in the order it learned them.</summary>
    public IReadOnlyList<string> Peers
    {
        get
        {
            lock (_lock)
            {
                return [.. _peers];
            }
        }
    }

    /// <summary>What it holds: per origin (itself included), the highest version learned.</summary>
    public IReadOnlyDictionary<string, GemBook> Books
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, GemBook>(_books, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Its own current version and book.</summary>
    public (long Version, string Book) Current
    {
        get
        {
            lock (_lock)
            {
                var own = _books[Id];
                return (own.Version, own.Book);
            }
        }
    }

    /// <summary>Every change of what it holds, oldest first, its own picks included.</summary>
    public IReadOnlyList<GemLearned> Learned
    {
        get
        {
            lock (_lock)
            {
                return [.. _learned];
            }
        }
    }

    /// <summary>Every request it answered, oldest first.</summary>
    public IReadOnlyList<GemRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every push it made, one entry per peer, oldest first.</summary>
    public IReadOnlyList<GemPush> Pushes
    {
        get
        {
            lock (_lock)
            {
                return [.. _pushes];
            }
        }
    }

    /// <summary>The messages in its cache, as it would push them now.</summary>
    public IReadOnlyList<GemMessage> Cache
    {
        get
        {
            lock (_lock)
            {
                return [.. _cache];
            }
        }
    }

    /// <summary>
    /// Starts a stand-in gem node: listens on 127.0.0.1, joins its seed (stopping with <see cref="GemCrashedException"/>
    /// if the seed does not answer), picks version 1 and starts its push and pick timers.
    /// </summary>
    public static async Task<GemPeer> StartAsync(GemPeerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var gem = new GemPeer(options);
        try
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
            var app = builder.Build();
            app.Run(gem.HandleAsync);
            gem._app = app;
            await app.StartAsync(cancellationToken);

            if (options.Seed is { } seed)
            {
                await gem.JoinAsync(seed, cancellationToken);
            }

            gem.Pick();
            gem._loops = Task.WhenAll(gem.PushLoopAsync(gem._stopping.Token), gem.PickLoopAsync(gem._stopping.Token));
            return gem;
        }
        catch
        {
            await gem.DisposeAsync();
            throw;
        }
    }

    /// <summary>Picks a new book now, as its timer does: the next version, into the cache, out with the next push.</summary>
    public (long Version, string Book) Pick()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var version = ++_version;
            var current = _books.TryGetValue(Id, out var own) ? own.Book : null;
            string book;
            do
            {
                book = _options.Books[_random.Next(_options.Books.Count)];
            }
            while (book == current);

            var message = new GemMessage(Guid.NewGuid().ToString(), Id, _options.Ttl, version, book, GemWire.Payload(version, book));
            _uuids.Add(message.Uuid);
            _cache.Add(message);
            _books[Id] = new GemBook(version, book, now);
            _learned.Add(new GemLearned(Id, version, book, now, null, _options.Ttl));
            return (version, book);
        }
    }

    /// <summary>One push round now, as its timer does: the whole cache to up to <see cref="GemPeerOptions.Fanout"/> random peers.</summary>
    public async Task PushAsync(CancellationToken cancellationToken)
    {
        List<string> targets;
        byte[] body;
        int count;
        lock (_lock)
        {
            targets = [.. _peers.OrderBy(_ => _random.Next()).Take(_options.Fanout)];
            body = GemWire.Write(Id, _cache);
            count = _cache.Count;
        }

        foreach (var peer in targets)
        {
            var failure = await SendAsync(peer, body, cancellationToken);
            lock (_lock)
            {
                _pushes.Add(new GemPush(_time.GetUtcNow(), peer, count, failure is null, failure));
                if (failure is not null)
                {
                    _peers.Remove(peer);
                }
            }

            if (failure is not null)
            {
                _options.Log?.Invoke($"gem {Id}: dropped peer {peer}: {failure}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        await _loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            _app = null;
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Null when the peer answered exactly {"status":"OK"}; else why not.</summary>
    private async Task<string?> SendAsync(string peer, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            // The gem's address for a peer: http://localhost:{id}. An id that is not a port makes no address.
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _client.PostAsync(new Uri($"http://localhost:{peer}/gossip"), content, cancellationToken);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return GemWire.IsOk(answer)
                ? null
                : $"answered {(int)response.StatusCode} {Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 200)))}";
        }
        catch (Exception exception) when (exception is HttpRequestException or UriFormatException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return exception.Message;
        }
    }

    private async Task JoinAsync(int seed, CancellationToken cancellationToken)
    {
        var seedId = seed.ToString(CultureInfo.InvariantCulture);
        try
        {
            var answer = await _client.GetStringAsync(new Uri($"http://localhost:{seedId}/peers/{Id}"), cancellationToken);
            using var document = JsonDocument.Parse(answer);
            var peers = new List<string> { seedId };
            foreach (var element in document.RootElement.EnumerateArray())
            {
                peers.Add(element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString() ?? string.Empty);
            }

            lock (_lock)
            {
                foreach (var peer in peers)
                {
                    AddPeerLocked(peer);
                }
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var message = $"gem {Id}: cannot join seed {seedId}: {exception.Message}";
            _options.Log?.Invoke(message);
            throw new GemCrashedException(message, exception);
        }
    }

    private async Task PushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await PushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PickLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Pick();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        int status;
        string? sender = null;
        var messages = 0;
        if (HttpMethods.IsPost(request.Method) && path == "/gossip")
        {
            (status, sender, messages) = await GossipAsync(context);
        }
        else if (HttpMethods.IsGet(request.Method) && path.StartsWith("/peers/", StringComparison.Ordinal)
            && path.Length > "/peers/".Length && path.IndexOf('/', "/peers/".Length) < 0)
        {
            sender = path["/peers/".Length..];
            status = await IntroduceAsync(context, sender);
        }
        else if (HttpMethods.IsGet(request.Method) && path == "/")
        {
            status = await TextAsync(context);
        }
        else
        {
            status = await WriteAsync(context, 404, "text/html;charset=utf-8", NotFoundPage);
        }

        lock (_lock)
        {
            _requests.Add(new GemRequest(_time.GetUtcNow(), request.Method, path, status, sender, messages));
        }
    }

    private async Task<(int Status, string? Sender, int Messages)> GossipAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (!GemWire.TryRead(body.GetBuffer().AsSpan(0, (int)body.Length), out var sender, out var messages, out var error))
        {
            _options.Log?.Invoke($"gem {Id}: 500 on POST /gossip: {error}");
            return (await WriteAsync(context, 500, "text/html;charset=utf-8", ErrorPage), null, 0);
        }

        if (sender.Length == 0)
        {
            return (await WriteAsync(context, 200, "application/json", """{"status":"ERROR"}"""), sender, messages.Count);
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            AddPeerLocked(sender);
            foreach (var message in messages)
            {
                if (message.Ttl <= 0 || !_uuids.Add(message.Uuid))
                {
                    continue;
                }

                _cache.Add(message with { Ttl = message.Ttl - 1 });
                if (message.ClientId != Id && (!_books.TryGetValue(message.ClientId, out var held) || held.Version < message.Version))
                {
                    _books[message.ClientId] = new GemBook(message.Version, message.Book, now);
                    _learned.Add(new GemLearned(message.ClientId, message.Version, message.Book, now, sender, message.Ttl));
                }
            }
        }

        return (await WriteAsync(context, 200, "application/json", """{"status":"OK"}"""), sender, messages.Count);
    }

    private async Task<int> IntroduceAsync(HttpContext context, string caller)
    {
        List<string> others;
        lock (_lock)
        {
            AddPeerLocked(caller);
            others = [.. _peers.Where(p => p != caller)];
        }

        return await WriteAsync(context, 200, "application/json", JsonSerializer.Serialize(others, GemJsonContext.Default.ListString));
    }

    private async Task<int> TextAsync(HttpContext context)
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            text.Append(CultureInfo.InvariantCulture, $"Node {Id}\nPeers: {string.Join(", ", _peers)}\nBooks:\n");
            foreach (var (origin, book) in _books.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {origin}: {book.Book} (version {book.Version})\n");
            }
        }

        return await WriteAsync(context, 200, "text/plain;charset=utf-8", text.ToString());
    }

    private void AddPeerLocked(string peer)
    {
        if (peer != Id && peer.Length > 0 && !_peers.Contains(peer))
        {
            _peers.Add(peer);
        }
    }

    private static async Task<int> WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
        return status;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class GemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
