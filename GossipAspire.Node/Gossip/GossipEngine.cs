using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// One node's gossip state and rules: its own book and version, its world view (the highest version per
/// origin), its peers, the dedup cache and the change history. Everything that changes state happens under one
/// lock; requests to peers go out after it is released, in the background, so a receiver answers at once.
/// </summary>
/// <remarks>
/// How a change spreads (docs/PROTOCOL.md, section 5): the origin sends it straight to every peer it knows (one
/// hop, N-1 requests), and names them in the <c>X-Gossip-Covered</c> header. A receiver forwards a new message
/// (ttl - 1) only to peers the header does not name, so in a network where everyone knows everyone nothing is
/// forwarded, and a node the origin did not know yet is still reached through those that do. Periodic digest
/// exchanges repair whatever was lost, and are skipped while pushes show this node already agrees with its peers.
/// </remarks>
public sealed partial class GossipEngine : IDisposable
{
    /// <summary>The low bits of a version count picks; the high bits are the generation (start time in seconds).</summary>
    public const int GenerationShift = 20;

    private static readonly TimeSpan[] s_retryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)];

    private readonly Lock _lock = new();
    private readonly GossipOptions _options;
    private readonly BookList _books;
    private readonly IGossipTransport _transport;
    private readonly TimeProvider _time;
    private readonly GossipTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly Random _random;

    private readonly Dictionary<string, WorldEntry> _world = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _peers = new(StringComparer.Ordinal); // peer -> consecutive failures
    private readonly Dictionary<string, long> _dropped = new(StringComparer.Ordinal); // peer -> its version when dropped
    private readonly MessageCache _seen;
    private readonly Queue<HistoryEvent> _history = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly CancellationTokenSource _stopping = new();

    private long _version;
    private string _book;
    private long _historySeq;
    private ulong _worldHash;
    private DateTimeOffset _lastInSync = DateTimeOffset.MinValue;
    private DateTimeOffset _lastExchange;

    private long _requestsSent;
    private long _bytesSent;
    private long _requestsFailed;
    private long _messagesSent;
    private long _messagesReceived;
    private long _messagesDuplicate;
    private long _messagesDropped;

    public GossipEngine(
        IOptions<GossipOptions> options,
        NodeIdentity identity,
        BookList books,
        IGossipTransport transport,
        TimeProvider time,
        GossipTelemetry telemetry,
        ILogger<GossipEngine> logger,
        Random? random = null)
    {
        _options = options.Value;
        _books = books;
        _transport = transport;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
        _random = random ?? Random.Shared;
        _seen = new MessageCache(_options.MessageCacheSize, _options.MessageCacheAge);

        Id = identity.Id;
        StartedAt = time.GetUtcNow();
        _lastExchange = StartedAt;
        _version = StartedAt.ToUnixTimeSeconds() << GenerationShift;
        _book = books.PickOther(null, _random);
        _version++;
        SetWorld(Id, new WorldEntry(_version, _book, Guid.NewGuid().ToString(), StartedAt, StartedAt, null, null));

        _telemetry.ObserveMembership(() => PeerCount, () => NodeCount);
    }

    public string Id { get; }

    public DateTimeOffset StartedAt { get; }

    public int PeerCount
    {
        get
        {
            lock (_lock)
            {
                return _peers.Count;
            }
        }
    }

    public int NodeCount
    {
        get
        {
            lock (_lock)
            {
                return _world.Count;
            }
        }
    }

    /// <summary>The peers this node sends to, in id order.</summary>
    public IReadOnlyList<string> Peers
    {
        get
        {
            lock (_lock)
            {
                return [.. _peers.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public (long Version, string Book) Current
    {
        get
        {
            lock (_lock)
            {
                return (_version, _book);
            }
        }
    }

    public IReadOnlyDictionary<string, WorldEntry> World
    {
        get
        {
            lock (_lock)
            {
                return new SortedDictionary<string, WorldEntry>(_world, StringComparer.Ordinal);
            }
        }
    }

    public ulong WorldHash
    {
        get
        {
            lock (_lock)
            {
                return _worldHash;
            }
        }
    }

    public GossipStats Stats => new(
        Interlocked.Read(ref _requestsSent),
        Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _requestsFailed),
        Interlocked.Read(ref _messagesSent),
        Interlocked.Read(ref _messagesReceived),
        Interlocked.Read(ref _messagesDuplicate),
        Interlocked.Read(ref _messagesDropped));

    /// <summary>World changes with a sequence number above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public (IReadOnlyList<HistoryEvent> Events, long Next) History(long after, int limit = 1000)
    {
        lock (_lock)
        {
            var events = _history.Where(e => e.Seq > after).Take(limit).ToList();
            return (events, events.Count > 0 ? events[^1].Seq : Math.Min(after, _historySeq));
        }
    }

    /// <summary>Joins through the seed (retrying until it answers), then pulls the seed's whole world at once.</summary>
    public async Task JoinAsync(string seed, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = Timeout(cancellationToken);
                var peers = await _transport.JoinAsync(seed, Id, timeout.Token);
                LearnPeer(seed);
                foreach (var peer in peers)
                {
                    LearnPeer(peer);
                }

                Log.Joined(_logger, seed, PeerCount);
                break;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    Log.SeedNotReady(_logger, seed, exception.Message);
                }

                await Task.Delay(wait, _time, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.JoinRetryMax.Ticks));
            }
        }

        await ExchangeWithAsync(seed, cancellationToken);
    }

    /// <summary>
    /// Picks a new book (<paramref name="book"/>, or a random one other than the current), bumps the version and
    /// sends the news to every peer at once. The pick is the root span of the change's trace.
    /// </summary>
    public (long Version, string Book) Pick(string? book = null)
    {
        var previous = Activity.Current;
        Activity.Current = null; // a pick starts its own trace, whatever request asked for it
        try
        {
            using var span = _telemetry.ActivitySource.StartActivity(GossipTelemetry.PickSpanName, ActivityKind.Internal);
            GossipMessage message;
            List<string> targets;
            ulong hash;
            lock (_lock)
            {
                _book = book ?? _books.PickOther(_book, _random);
                _version++;
                var now = _time.GetUtcNow();
                var uuid = Guid.NewGuid().ToString();
                var traceparent = span is null ? null : Traceparent(span);
                SetWorld(Id, new WorldEntry(_version, _book, uuid, now, now, traceparent, null));
                _seen.Add(uuid, now);
                message = new GossipMessage(uuid, Id, _options.Ttl, new GossipPayload(_version, _book, traceparent, now, 1));
                targets = [.. _peers.Keys];
                hash = _worldHash;
            }

            Tag(span, message, hop: 0, duplicate: false);
            span?.SetTag("gossip.targets", targets.Count);
            Log.Picked(_logger, message.Payload.Book, message.Payload.Version, targets.Count);
            Fan(message, targets, [.. targets, Id], hash);
            return (message.Payload.Version, message.Payload.Book);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>
    /// Absorbs an envelope: learns its sender, drops what is expired or already seen, keeps what is newer, and
    /// forwards new news to peers that the sender's <c>X-Gossip-Covered</c> header does not name.
    /// </summary>
    public void Receive(GossipEnvelope envelope, GossipHeaders headers)
    {
        LearnPeer(envelope.ClientId);
        foreach (var message in envelope.Messages)
        {
            Absorb(message, envelope.ClientId, headers, repair: false);
        }

        if (headers.WorldHash is { } theirs && theirs == WorldHash)
        {
            lock (_lock)
            {
                _lastInSync = _time.GetUtcNow();
            }
        }
    }

    /// <summary><c>GET /peers/{client_id}</c>: the peers known (not the caller), and the caller joins them.</summary>
    public IReadOnlyList<string> Introduce(string caller)
    {
        LearnPeer(caller);
        return [.. Peers.Where(p => p != caller)];
    }

    /// <summary>Answers a digest: messages for everything the caller lacks, and the origins it holds newer.</summary>
    public DigestReply AnswerDigest(DigestRequest digest)
    {
        LearnPeer(digest.ClientId);
        var messages = new List<GossipMessage>();
        var wants = new List<string>();
        lock (_lock)
        {
            foreach (var (origin, entry) in _world)
            {
                if (!digest.Versions.TryGetValue(origin, out var theirs) || theirs < entry.Version)
                {
                    messages.Add(ToRepairMessage(origin, entry));
                }
            }

            foreach (var (origin, theirs) in digest.Versions)
            {
                if (origin != Id && (!_world.TryGetValue(origin, out var mine) || mine.Version < theirs))
                {
                    wants.Add(origin);
                }
                else if (origin == Id && theirs > _version)
                {
                    // Someone holds a newer version of us than we do: we restarted within a second. Move past it.
                    wants.Add(origin);
                }
            }
        }

        return new DigestReply(messages, wants);
    }

    /// <summary>True when an anti-entropy round is due: none recently, and no push recently showed us in sync.</summary>
    public bool AntiEntropyDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            var interval = _options.AntiEntropyInterval;
            var inSyncRecently = now - _lastInSync < interval;
            var overdue = now - _lastExchange >= interval * 10;
            return !inSyncRecently || overdue;
        }
    }

    /// <summary>One anti-entropy round with a random peer.</summary>
    public async Task RunAntiEntropyAsync(CancellationToken cancellationToken)
    {
        string? peer;
        lock (_lock)
        {
            peer = _peers.Count == 0 ? null : _peers.Keys.ElementAt(_random.Next(_peers.Count));
        }

        if (peer is not null)
        {
            await ExchangeWithAsync(peer, cancellationToken);
        }
    }

    /// <summary>Completes when every request this engine started has finished (tests and shutdown).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_inFlight)
            {
                pending = [.. _inFlight];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task ExchangeWithAsync(string peer, CancellationToken cancellationToken)
    {
        Dictionary<string, long> versions;
        lock (_lock)
        {
            _lastExchange = _time.GetUtcNow();
            versions = _world.ToDictionary(e => e.Key, e => e.Value.Version, StringComparer.Ordinal);
        }

        var body = Wire.WriteDigest(Id, versions);
        byte[] answer;
        try
        {
            await DelayIfConfigured(cancellationToken);
            using var timeout = Timeout(cancellationToken);
            CountRequest(body.Length, messages: 0);
            answer = await _transport.ExchangeDigestAsync(peer, body, timeout.Token);
            PeerSucceeded(peer);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            PeerFailed(peer, exception.Message);
            return;
        }

        if (!Wire.TryReadDigestReply(answer, out var reply, out var error))
        {
            Log.BadDigestReply(_logger, peer, error!);
            return;
        }

        LearnPeer(peer);
        foreach (var message in reply!.Messages)
        {
            Absorb(message, peer, GossipHeaders.None, repair: true);
        }

        var missing = new List<GossipMessage>();
        lock (_lock)
        {
            foreach (var origin in reply.Wants)
            {
                if (_world.TryGetValue(origin, out var entry))
                {
                    missing.Add(ToRepairMessage(origin, entry));
                }
            }
        }

        if (reply.Messages.Count > 0 || missing.Count > 0)
        {
            Log.Repaired(_logger, peer, reply.Messages.Count, missing.Count);
        }

        if (missing.Count > 0)
        {
            await SendToPeerAsync(peer, Wire.WriteEnvelope(Id, missing), missing.Count, new GossipHeaders(new HashSet<string>([peer, Id]), null), cancellationToken);
        }
    }

    private void Absorb(GossipMessage message, string sender, GossipHeaders headers, bool repair)
    {
        var now = _time.GetUtcNow();
        var hop = message.Payload.Hop;
        Interlocked.Increment(ref _messagesReceived);
        _telemetry.MessagesReceived.Add(1);

        if (message.Ttl <= 0)
        {
            Interlocked.Increment(ref _messagesDropped);
            _telemetry.MessagesDropped.Add(1);
            Log.Expired(_logger, message.Uuid, message.ClientId);
            return;
        }

        bool fresh;
        lock (_lock)
        {
            fresh = _seen.Add(message.Uuid, now);
        }

        var parent = ActivityContext.TryParse(message.Payload.Traceparent, null, out var context) ? context : default;
        var previous = Activity.Current;
        Activity.Current = null; // the receive span belongs to the change's trace, not to the HTTP request that carried it
        try
        {
            using var span = _telemetry.ActivitySource.StartActivity(GossipTelemetry.ReceiveSpanName, ActivityKind.Consumer, parent);
            Tag(span, message, hop, duplicate: !fresh);
            if (repair)
            {
                span?.SetTag(GossipTelemetry.RepairAttribute, true);
            }

            if (!fresh)
            {
                Interlocked.Increment(ref _messagesDuplicate);
                _telemetry.MessagesDuplicate.Add(1);
                return;
            }

            if (message.ClientId == Id)
            {
                RefuteIfNewer(message.Payload.Version);
                return;
            }

            bool applied;
            List<string> targets = [];
            HashSet<string> covered;
            ulong hash;
            lock (_lock)
            {
                applied = ApplyLocked(message, now, span);
                covered = headers.Covered is { } given ? new HashSet<string>(given, StringComparer.Ordinal) : new(StringComparer.Ordinal);
                covered.Add(sender);
                covered.Add(message.ClientId);
                covered.Add(Id);
                if (applied && !repair && message.Ttl - 1 > 0)
                {
                    targets = [.. _peers.Keys.Where(p => !covered.Contains(p))];
                }

                hash = _worldHash;
            }

            if (!applied)
            {
                span?.SetTag(GossipTelemetry.StaleAttribute, true);
                return;
            }

            if (message.Payload.PickedAt is { } pickedAt)
            {
                _telemetry.PropagationDelay.Record(Math.Max(0, (now - pickedAt).TotalMilliseconds));
            }

            if (targets.Count > 0)
            {
                span?.SetTag("gossip.forwarded_to", targets.Count);
                var forwarded = message with
                {
                    Ttl = message.Ttl - 1,
                    Payload = message.Payload with
                    {
                        Traceparent = span is null ? message.Payload.Traceparent : Traceparent(span),
                        Hop = (hop ?? 1) + 1,
                    },
                };
                Fan(forwarded, targets, [.. covered, .. targets], hash);
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Keeps the message if it is newer than what we hold for its origin. Caller holds the lock.</summary>
    private bool ApplyLocked(GossipMessage message, DateTimeOffset now, Activity? span)
    {
        var origin = message.ClientId;
        if (_world.TryGetValue(origin, out var held) && held.Version >= message.Payload.Version)
        {
            return false;
        }

        var payload = message.Payload;
        SetWorld(origin, new WorldEntry(payload.Version, payload.Book, message.Uuid, payload.PickedAt, now, span is null ? payload.Traceparent : Traceparent(span), payload.Extra));

        // News from an origin is proof it lives: a dropped peer is learned again once it says something new.
        if (!_peers.ContainsKey(origin) && (!_dropped.TryGetValue(origin, out var droppedAt) || droppedAt < payload.Version))
        {
            _dropped.Remove(origin);
            _peers[origin] = 0;
            Log.PeerLearned(_logger, origin);
        }

        return true;
    }

    private void RefuteIfNewer(long version)
    {
        bool refute;
        lock (_lock)
        {
            refute = version >= _version;
            if (refute)
            {
                _version = version;
            }
        }

        if (refute)
        {
            // An earlier run of this node (same id, same second) left a version at least as high as ours out there.
            Log.Refuting(_logger, version);
            string book;
            lock (_lock)
            {
                book = _book;
            }

            Pick(book);
        }
    }

    private void SetWorld(string origin, WorldEntry entry)
    {
        if (_world.TryGetValue(origin, out var old))
        {
            _worldHash ^= EntryHash(origin, old.Version);
        }

        _world[origin] = entry;
        _worldHash ^= EntryHash(origin, entry.Version);
        _history.Enqueue(new HistoryEvent(++_historySeq, origin, entry.Version, entry.PickedAt, entry.ReceivedAt));
        while (_history.Count > _options.HistorySize)
        {
            _history.Dequeue();
        }
    }

    private void LearnPeer(string peer)
    {
        if (peer == Id)
        {
            return;
        }

        lock (_lock)
        {
            _dropped.Remove(peer);
            if (_peers.TryAdd(peer, 0))
            {
                Log.PeerLearned(_logger, peer);
            }
            else
            {
                _peers[peer] = 0;
            }
        }
    }

    private void PeerSucceeded(string peer)
    {
        lock (_lock)
        {
            if (_peers.ContainsKey(peer))
            {
                _peers[peer] = 0;
            }
        }
    }

    private void PeerFailed(string peer, string reason)
    {
        Interlocked.Increment(ref _requestsFailed);
        _telemetry.RequestsSent.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        var dropped = false;
        lock (_lock)
        {
            if (_peers.TryGetValue(peer, out var failures))
            {
                failures++;
                if (failures >= _options.PeerFailureLimit)
                {
                    _peers.Remove(peer);
                    _dropped[peer] = _world.TryGetValue(peer, out var entry) ? entry.Version : 0;
                    dropped = true;
                }
                else
                {
                    _peers[peer] = failures;
                }
            }
        }

        if (dropped)
        {
            Log.PeerDropped(_logger, peer, _options.PeerFailureLimit, reason);
        }
        else
        {
            Log.PeerFailed(_logger, peer, reason);
        }
    }

    /// <summary>Sends one message to each target in the background, naming all of them as covered.</summary>
    private void Fan(GossipMessage message, List<string> targets, IEnumerable<string> covered, ulong worldHash)
    {
        if (targets.Count == 0)
        {
            return;
        }

        // Every copy is the same envelope (sender = us), so it is written once.
        var headers = new GossipHeaders(new HashSet<string>(covered, StringComparer.Ordinal), worldHash);
        var body = Wire.WriteEnvelope(Id, [message]);
        foreach (var target in targets)
        {
            Track(SendToPeerAsync(target, body, 1, headers, _stopping.Token));
        }
    }

    private async Task SendToPeerAsync(string peer, byte[] body, int messages, GossipHeaders headers, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await DelayIfConfigured(cancellationToken);
                using var timeout = Timeout(cancellationToken);
                CountRequest(body.Length, messages);
                await _transport.SendAsync(peer, body, headers, timeout.Token);
                PeerSucceeded(peer);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                PeerFailed(peer, exception.Message);
                bool stillPeer;
                lock (_lock)
                {
                    stillPeer = _peers.ContainsKey(peer);
                }

                if (attempt >= s_retryDelays.Length || !stillPeer)
                {
                    return;
                }

                await Task.Delay(s_retryDelays[attempt], _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Track(Task task)
    {
        lock (_inFlight)
        {
            _inFlight.Add(task);
        }

        task.ContinueWith(
            t =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void CountRequest(int bytes, int messages)
    {
        Interlocked.Increment(ref _requestsSent);
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Add(ref _messagesSent, messages);
        _telemetry.RequestsSent.Add(1);
        _telemetry.MessagesSent.Add(messages);
    }

    private async Task DelayIfConfigured(CancellationToken cancellationToken)
    {
        if (_options.SendDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.SendDelay, _time, cancellationToken);
        }
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_options.RequestTimeout);
        return source;
    }

    private GossipMessage ToRepairMessage(string origin, WorldEntry entry) =>
        new(entry.Uuid, origin, 1, new GossipPayload(entry.Version, entry.Book, entry.Traceparent, entry.PickedAt, null, entry.Extra));

    private void Tag(Activity? span, GossipMessage message, long? hop, bool duplicate)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(GossipTelemetry.MessageUuidAttribute, message.Uuid);
        span.SetTag(GossipTelemetry.OriginAttribute, message.ClientId);
        span.SetTag(GossipTelemetry.VersionAttribute, message.Payload.Version);
        span.SetTag(GossipTelemetry.TtlAttribute, message.Ttl);
        if (hop is { } value)
        {
            span.SetTag(GossipTelemetry.HopAttribute, value);
        }

        span.SetTag(GossipTelemetry.DuplicateAttribute, duplicate);
        span.SetTag(GossipTelemetry.BookAttribute, message.Payload.Book);
        span.SetTag(GossipTelemetry.NodeAttribute, Id);
    }

    private static string Traceparent(Activity span) =>
        $"00-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-{(span.Recorded ? "01" : "00")}";

    /// <summary>An order-free hash of (origin, version) pairs: XOR of a 64-bit mix of each, updated in place.</summary>
    private static ulong EntryHash(string origin, long version)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in origin)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var x = hash ^ (ulong)version;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Joined through seed {Seed}; {PeerCount} peers known")]
        public static partial void Joined(ILogger logger, string seed, int peerCount);

        [LoggerMessage(2, LogLevel.Information, "Seed {Seed} is not reachable yet ({Reason}); retrying with backoff")]
        public static partial void SeedNotReady(ILogger logger, string seed, string reason);

        [LoggerMessage(3, LogLevel.Information, "Picked \"{Book}\" (version {Version}); sending to {Targets} peers")]
        public static partial void Picked(ILogger logger, string book, long version, int targets);

        [LoggerMessage(4, LogLevel.Information, "Learned peer {Peer}")]
        public static partial void PeerLearned(ILogger logger, string peer);

        [LoggerMessage(5, LogLevel.Debug, "Request to peer {Peer} failed: {Reason}")]
        public static partial void PeerFailed(ILogger logger, string peer, string reason);

        [LoggerMessage(6, LogLevel.Warning, "Dropped peer {Peer} after {Failures} failed requests (last: {Reason}); it is learned again when it speaks")]
        public static partial void PeerDropped(ILogger logger, string peer, int failures, string reason);

        [LoggerMessage(7, LogLevel.Debug, "Dropped message {Uuid} from origin {Origin}: its ttl ran out")]
        public static partial void Expired(ILogger logger, string uuid, string origin);

        [LoggerMessage(8, LogLevel.Information, "Anti-entropy with {Peer}: received {Received} entries, sent {Sent}")]
        public static partial void Repaired(ILogger logger, string peer, int received, int sent);

        [LoggerMessage(9, LogLevel.Warning, "Peer {Peer} answered a digest with something unreadable: {Error}")]
        public static partial void BadDigestReply(ILogger logger, string peer, string error);

        [LoggerMessage(10, LogLevel.Warning, "Heard our own id with version {Version}, at least ours: an earlier run; announcing past it")]
        public static partial void Refuting(ILogger logger, long version);
    }
}

/// <summary>The id this node announces (its port unless configured).</summary>
public sealed record NodeIdentity(string Id, int Port)
{
    public override string ToString() => Id.ToString(CultureInfo.InvariantCulture);
}
