using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// One node's gossip, orchestrated: picks, receiving envelopes, answering digests and running repair rounds. Each
/// mechanism with state of its own is its own type, in the manner of hashicorp/memberlist:
/// <see cref="Membership"/> (peers), <see cref="WorldView"/> (the highest version per origin and its hash),
/// <see cref="VersionClock"/> (this node's own version), <see cref="ChangeLog"/> (the history),
/// <see cref="MessageCache"/> (dedup), <see cref="Outbox"/> (everything sent), <see cref="AntiEntropy"/> (repair),
/// <see cref="GossipCounters"/> (stats and metrics), <see cref="Admission"/> (the door every inbound message
/// passes before anything of it is stored) and <see cref="Keyring"/> (which signs this node's own picks).
/// </summary>
/// <remarks>
/// How a change spreads (docs/PROTOCOL.md, section 5): the origin sends it straight to every peer it knows (one
/// hop, N-1 requests), and names them in the <c>X-Gossip-Covered</c> header. A receiver forwards a new message
/// (ttl - 1) only to peers the header does not name, so in a network where everyone knows everyone nothing is
/// forwarded, and a node the origin did not know yet is still reached through those that do. Periodic digest
/// exchanges repair whatever was lost, and are skipped while pushes show this node already agrees with its peers.
/// The world view, the change log, the clock, the own book and the dedup cache change together under one lock
/// (a change is stored, logged and hashed at once); requests go out after it is released, in the background.
/// </remarks>
public sealed partial class GossipEngine : IDisposable
{
    /// <summary>The low bits of a version count picks; the high bits are the generation (start time in seconds).</summary>
    public const int GenerationShift = VersionClock.GenerationShift;

    private readonly Lock _lock = new();
    private readonly GossipOptions _options;
    private readonly BookList _books;
    private readonly TimeProvider _time;
    private readonly GossipTelemetry _telemetry;
    private readonly GossipCounters _counters;
    private readonly Admission _admission;
    private readonly Keyring _keyring;
    private readonly ILogger _logger;
    private readonly Random _random;

    private readonly Membership _membership;
    private readonly Outbox _outbox;
    private readonly AntiEntropy _antiEntropy;
    private readonly GemPeers _gemPeers;
    private readonly WorldView _world = new();
    private readonly ChangeLog _log;
    private readonly VersionClock _clock;
    private readonly MessageCache _seen;
    private string _book;

    public GossipEngine(
        IOptions<GossipOptions> options,
        NodeIdentity identity,
        BookList books,
        IGossipTransport transport,
        TimeProvider time,
        GossipTelemetry telemetry,
        GossipCounters counters,
        Admission admission,
        Keyring keyring,
        ILogger<GossipEngine> logger,
        Random? random = null)
    {
        _options = options.Value;
        _books = books;
        _time = time;
        _telemetry = telemetry;
        _counters = counters;
        _admission = admission;
        _keyring = keyring;
        _logger = logger;
        _random = random ?? Random.Shared;

        Id = identity.Id;
        StartedAt = time.GetUtcNow();
        _membership = new Membership(Id, _options, admission.Hosts, logger);
        _gemPeers = new GemPeers(_options.GemProbeInterval, logger);
        _outbox = new Outbox(_options, transport, _membership, counters, time, VersionHeld, CatchUp, Heard, _gemPeers);
        _antiEntropy = new AntiEntropy(_options.AntiEntropyInterval, StartedAt);
        _log = new ChangeLog(_options.HistorySize);
        _seen = new MessageCache(_options.MessageCacheSize, _options.MessageCacheAge);
        // Counter 0: the book it starts with, kept to itself until its first pick announces it (with a trace).
        _clock = new VersionClock(StartedAt);
        _book = books.PickOther(null, _random);
        SetWorldLocked(Id, new WorldEntry(_clock.Current, _book, Guid.NewGuid().ToString(), StartedAt, StartedAt, null, null), ChangeSource.Own(null));

        _telemetry.ObserveMembership(() => PeerCount, () => NodeCount);
    }

    public string Id { get; }

    public DateTimeOffset StartedAt { get; }

    public int PeerCount => _membership.Count;

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
    public IReadOnlyList<string> Peers => _membership.Snapshot();

    /// <summary>The peers that answered 404 to a digest: pushed to instead (docs/PROTOCOL.md, section 5, "Gem peers").</summary>
    public IReadOnlyList<string> GemProtocolPeers => _gemPeers.Snapshot(_time.GetUtcNow());

    public (long Version, string Book) Current
    {
        get
        {
            lock (_lock)
            {
                return (_clock.Current, _book);
            }
        }
    }

    public IReadOnlyDictionary<string, WorldEntry> World
    {
        get
        {
            lock (_lock)
            {
                return _world.Snapshot();
            }
        }
    }

    public ulong WorldHash
    {
        get
        {
            lock (_lock)
            {
                return _world.Hash;
            }
        }
    }

    public GossipStats Stats => _counters.Snapshot();

    /// <summary>Messages refused at admission, by reason.</summary>
    public IReadOnlyDictionary<string, long> RefusedByReason => _counters.RefusedByReason();

    /// <summary>World changes with a sequence number above <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public ChangeLogPage History(long after, int limit = 1000)
    {
        lock (_lock)
        {
            return _log.Read(after, limit);
        }
    }

    /// <summary>
    /// Joins through the seed (retrying until it answers), announces the book it started with to the peers it now
    /// knows (<see cref="AnnounceStart"/>), and pulls the seed's whole world. The announcement does not wait for the
    /// pull: on a machine busy starting many nodes, a first digest round takes hundreds of milliseconds, and a node
    /// that restarted within the same second, whose announcement the others ignore as old, hears its earlier run's
    /// version in the pull and moves past it (<see cref="VersionClock.Observe"/>).
    /// </summary>
    public async Task JoinAsync(string seed, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(100);
        var refusedOnce = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var peers = await _outbox.JoinAsync(seed, Id, cancellationToken);
                Learn(seed);
                _membership.Succeeded(seed); // it answered
                foreach (var peer in peers)
                {
                    Learn(peer);
                }

                Log.Joined(_logger, seed, PeerCount);
                break;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (exception is HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized } && !refusedOnce)
                {
                    // Not a seed still starting: a configuration to fix. Said once, whatever came before it.
                    refusedOnce = true;
                    Log.SeedRefusedMac(_logger, seed, exception.Message);
                }
                else if (attempt == 1)
                {
                    Log.SeedNotReady(_logger, seed, exception.Message);
                }

                await Task.Delay(wait, _time, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.JoinRetryMax.Ticks));
            }
        }

        AnnounceStart();
        await ExchangeWithAsync(seed, cancellationToken);
    }

    /// <summary>
    /// Announces the book this node started with, once it has joined (or at once, without a seed): a pick of that
    /// same book (counter 1), so it spreads at once to every peer, as a traced change like any pick. Nothing, if
    /// something was picked already.
    /// </summary>
    public void AnnounceStart()
    {
        string book;
        lock (_lock)
        {
            if (_clock.Announced)
            {
                return;
            }

            book = _book;
        }

        Pick(book);
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
            ulong hash;
            lock (_lock)
            {
                _book = book ?? _books.PickOther(_book, _random);
                var version = _clock.Next();
                var now = _time.GetUtcNow();
                var uuid = Guid.NewGuid().ToString();
                var traceparent = span is null ? null : Traceparent(span);
                // Only the origin signs its picks; relays and repair pass this signature on as it is.
                var signature = _keyring.Sign(uuid, Id, version, _book, now);
                SetWorldLocked(Id, new WorldEntry(version, _book, uuid, now, now, traceparent, null, signature), ChangeSource.Own(span?.TraceId.ToHexString()));
                _seen.Add(uuid, now);
                message = new GossipMessage(uuid, Id, _options.Ttl, new GossipPayload(version, _book, traceparent, now, 1, null, signature));
                hash = _world.Hash;
            }

            var push = new PushBatch(Id, Id, null, _membership);
            push.Add(message);
            Tag(span, message, hop: 0, duplicate: false);
            span?.SetTag("gossip.targets", push.Candidates.Count);
            span?.Stop(); // the pick is done; the sends that follow are the receivers' spans, parented to it
            Log.Picked(_logger, message.Payload.Book, message.Payload.Version, push.Candidates.Count);
            push.Send(Id, _outbox, hash, _options.MaxBodyBytes);
            return (message.Payload.Version, message.Payload.Book);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>
    /// Absorbs an envelope: learns its sender, drops what is expired or already seen, keeps what is newer, and
    /// forwards the new news, all of it in one envelope per target, to peers that the sender's
    /// <c>X-Gossip-Covered</c> header does not name.
    /// </summary>
    public void Receive(GossipEnvelope envelope, GossipHeaders headers)
    {
        Learn(envelope.ClientId);
        Heard(envelope.ClientId);
        if (headers.Covered is not null || headers.WorldHash is not null)
        {
            _gemPeers.SpeaksOurProtocol(envelope.ClientId); // a gem sends neither header
        }

        var push = new PushBatch(Id, envelope.ClientId, headers.Covered, _membership);
        foreach (var message in envelope.Messages)
        {
            Absorb(message, envelope.ClientId, push);
        }

        ulong hash;
        lock (_lock)
        {
            hash = _world.Hash;
        }

        push.Send(Id, _outbox, hash, _options.MaxBodyBytes);
        if (headers.WorldHash is { } theirs && theirs == hash)
        {
            _antiEntropy.InSync(_time.GetUtcNow());
        }
    }

    /// <summary><c>GET /peers/{client_id}</c>: the peers known (not the caller), and the caller joins them.</summary>
    public IReadOnlyList<string> Introduce(string caller)
    {
        Learn(caller);
        Heard(caller);
        return [.. Peers.Where(p => p != caller)];
    }

    /// <summary>Answers a digest: messages for everything the caller lacks, and the origins it holds newer.</summary>
    public DigestReply AnswerDigest(DigestRequest digest)
    {
        Learn(digest.ClientId);
        Heard(digest.ClientId);
        _gemPeers.SpeaksOurProtocol(digest.ClientId);
        lock (_lock)
        {
            return AntiEntropy.Answer(_world, Id, _clock, digest, _options.MaxBodyBytes);
        }
    }

    /// <summary>True when an anti-entropy round is due: none recently, and no push recently showed us in sync.</summary>
    public bool AntiEntropyDue(DateTimeOffset now) => _antiEntropy.IsDue(now);

    /// <summary>One anti-entropy round with a random peer.</summary>
    public async Task RunAntiEntropyAsync(CancellationToken cancellationToken)
    {
        if (_membership.Random(_random) is { } peer)
        {
            await ExchangeWithAsync(peer, cancellationToken);
        }
    }

    /// <summary>
    /// Drops the world entries of origins silent for <see cref="GossipOptions.ForgetAfter"/> (never this node's own)
    /// and the memory of peers dropped that long ago. The worker calls it periodically.
    /// </summary>
    public IReadOnlyList<string> ForgetSilent()
    {
        var now = _time.GetUtcNow();
        List<string> forgotten;
        lock (_lock)
        {
            forgotten = _world.Forget(now, _options.ForgetAfter, Id);
        }

        _membership.ForgetDropped(now - _options.ForgetAfter);
        foreach (var origin in forgotten)
        {
            Log.Forgot(_logger, origin, _options.ForgetAfter);
        }

        return forgotten;
    }

    /// <summary>
    /// This node's clock woke up <paramref name="late"/> too late: the process was paused (SIGSTOP, a suspended VM, a
    /// long GC), and its peers may have dropped it meanwhile, since requests to it failed. Sends its current entry to
    /// every peer again, so each learns it once more from the envelope (and, by the welcome rule, sends back its own).
    /// </summary>
    public void Resumed(TimeSpan late)
    {
        Log.Resumed(_logger, late.TotalSeconds, PeerCount);
        if (OwnAnnouncement() is var (message, hash))
        {
            var targets = _membership.Targets(_membership.Snapshot());
            SendOwn(message, targets, [.. targets, Id], hash);
        }
    }

    /// <summary>Completes when every request this engine started has finished (tests and shutdown).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken) => _outbox.WhenIdleAsync(cancellationToken);

    public void Dispose() => _outbox.Dispose();

    /// <summary>
    /// One anti-entropy exchange with a peer: digests until its answer leaves nothing out (bounded). A gem-protocol
    /// peer (one that answers a digest with 404, now or before) gets the push substitute instead.
    /// </summary>
    private async Task ExchangeWithAsync(string peer, CancellationToken cancellationToken)
    {
        if (!_gemPeers.IsGem(peer, _time.GetUtcNow()))
        {
            for (var answers = 0; answers < AntiEntropy.MaxAnswersPerExchange && await ExchangeOnceAsync(peer, cancellationToken); answers++)
            {
            }

            if (!_gemPeers.IsGem(peer, _time.GetUtcNow()))
            {
                return;
            }
        }

        await PushToGemAsync(peer, cancellationToken);
    }

    /// <summary>
    /// The push substitute for anti-entropy with a gem-protocol peer, which learns only from pushes: the current
    /// entry of every origin, ttl 1, in one envelope (more only past <see cref="GossipOptions.MaxBodyBytes"/>), so a
    /// gem node that missed a push catches up. Gem-shaped like every envelope: nothing beyond the gem's keys at
    /// envelope or message level.
    /// </summary>
    private async Task PushToGemAsync(string peer, CancellationToken cancellationToken)
    {
        List<GossipMessage> messages;
        lock (_lock)
        {
            _antiEntropy.Exchanging(_time.GetUtcNow());
            messages = AntiEntropy.GemCatchUp(_world, Id, _clock, peer);
        }

        Log.PushedToGem(_logger, peer, messages.Count);
        var headers = new GossipHeaders(new HashSet<string>([peer, Id]), null);
        foreach (var (body, count) in Wire.WriteEnvelopes(Id, messages.ConvertAll(Wire.WriteMessage), _options.MaxBodyBytes))
        {
            await _outbox.SendAsync(peer, body, count, headers, cancellationToken);
        }
    }

    /// <summary>One digest and its answer; true when the answer was bounded, left something out, and brought something new.</summary>
    private async Task<bool> ExchangeOnceAsync(string peer, CancellationToken cancellationToken)
    {
        Dictionary<string, long> versions;
        lock (_lock)
        {
            _antiEntropy.Exchanging(_time.GetUtcNow());
            versions = _world.Versions();
        }

        var answer = await _outbox.ExchangeDigestAsync(peer, Wire.WriteDigest(Id, versions), cancellationToken);
        if (answer is null)
        {
            return false;
        }

        if (!Wire.TryReadDigestReply(answer, out var reply, out var error))
        {
            Log.BadDigestReply(_logger, peer, error!);
            return false;
        }

        Learn(peer);
        var before = WorldHash;
        foreach (var message in reply!.Messages)
        {
            Absorb(message, peer, push: null);
        }

        var progressed = WorldHash != before;

        List<GossipMessage> missing;
        lock (_lock)
        {
            missing = AntiEntropy.Wanted(_world, Id, _clock, reply.Wants);
        }

        if (reply.Messages.Count > 0 || missing.Count > 0)
        {
            Log.Repaired(_logger, peer, reply.Messages.Count, missing.Count);
        }

        var headers = new GossipHeaders(new HashSet<string>([peer, Id]), null);
        foreach (var (body, messages) in Wire.WriteEnvelopes(Id, missing.ConvertAll(Wire.WriteMessage), _options.MaxBodyBytes))
        {
            await _outbox.SendAsync(peer, body, messages, headers, cancellationToken);
        }

        // Ask again only while it helps: an answer whose messages this node could not take would come back the same.
        return reply.More && progressed;
    }

    /// <summary>
    /// One inbound message: pushed (<paramref name="push"/> collects what is to go on) or handed over by repair
    /// (<paramref name="push"/> null: kept, never forwarded).
    /// </summary>
    private void Absorb(GossipMessage message, string sender, PushBatch? push)
    {
        var repair = push is null;
        var now = _time.GetUtcNow();
        var hop = message.Payload.Hop;
        _counters.MessageReceived();

        if (message.Ttl <= 0)
        {
            _counters.MessageDropped();
            Log.Expired(_logger, message.Uuid, message.ClientId);
            return;
        }

        if (!_admission.TryAdmit(message, now, out message))
        {
            return;
        }

        bool fresh;
        lock (_lock)
        {
            if (!_admission.HasRoomFor(message, _world.Contains(message.ClientId), _world.Count))
            {
                return;
            }

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
                _counters.MessageDuplicate();
                lock (_lock)
                {
                    _log.CountDuplicate(message.Uuid);
                }

                return;
            }

            if (message.ClientId == Id)
            {
                RefuteIfNewer(message.Payload.Version);
                return;
            }

            bool applied;
            bool newPeer;
            lock (_lock)
            {
                var source = new ChangeSource(sender, hop, parent == default ? null : parent.TraceId.ToHexString(), repair);
                applied = ApplyLocked(message, now, span, source, out newPeer);
            }

            if (!applied)
            {
                span?.SetTag(GossipTelemetry.StaleAttribute, true);
                return;
            }

            if (newPeer)
            {
                Welcome(message.ClientId);
            }

            if (message.Payload.PickedAt is { } pickedAt)
            {
                _counters.PropagationDelay(now - pickedAt);
            }

            var targets = push is not null && message.Ttl - 1 > 0 ? push.TargetsFor(message.ClientId) : 0;
            if (targets > 0)
            {
                span?.SetTag("gossip.forwarded_to", targets);
                push!.Add(message with
                {
                    Ttl = message.Ttl - 1,
                    Payload = message.Payload with
                    {
                        Traceparent = span is null ? message.Payload.Traceparent : Traceparent(span),
                        Hop = Math.Min(hop ?? 1, Wire.MaxNumber - 1) + 1, // never past what the wire allows
                    },
                });
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Keeps the message if it is newer than what we hold for its origin. Caller holds the lock.</summary>
    private bool ApplyLocked(GossipMessage message, DateTimeOffset now, Activity? span, ChangeSource source, out bool newPeer)
    {
        var origin = message.ClientId;
        var payload = message.Payload;
        newPeer = false;
        if (!_world.IsNewer(origin, payload.Version))
        {
            return false;
        }

        SetWorldLocked(origin, new WorldEntry(payload.Version, payload.Book, message.Uuid, payload.PickedAt, now, span is null ? payload.Traceparent : Traceparent(span), payload.Extra, payload.Signature), source);

        // News from an origin is proof it lives: a dropped peer is learned again once it says something new.
        newPeer = _membership.LearnFromNews(origin, payload.Version);
        return true;
    }

    /// <summary>Learns a peer that spoke to us or was named to us; one we did not know gets our current entry.</summary>
    private void Learn(string peer)
    {
        if (_membership.Learn(peer))
        {
            Welcome(peer);
        }
    }

    /// <summary>
    /// Sends a peer this node has just learned its own current entry, as the message of the pick that made it (same
    /// uuid, trace and time), naming every other peer as covered. A node's announcement reaches the peers it knew
    /// when it picked; one learned later (a node that joined after it, or one that joined through a seed that had
    /// not joined yet itself) would otherwise wait for anti-entropy. Nothing is sent before the first announcement.
    /// </summary>
    private void Welcome(string peer)
    {
        if (OwnAnnouncement() is var (message, hash) && _membership.Targets([peer]) is [_])
        {
            SendOwn(message, [peer], [.. _membership.Snapshot(), Id], hash);
        }
    }

    /// <summary>
    /// The message of this node's current entry, as its pick sent it (same uuid, trace and time, hop 1), and the world
    /// hash to send with it; null before the first announcement.
    /// </summary>
    private (GossipMessage Message, ulong Hash)? OwnAnnouncement()
    {
        lock (_lock)
        {
            if (!_clock.Announced || !_world.TryGet(Id, out var entry))
            {
                return null;
            }

            return (entry.ToMessage(Id, _options.Ttl, hop: 1), _world.Hash);
        }
    }

    /// <summary>This node's own entry to <paramref name="targets"/>, in the background, naming <paramref name="covered"/>.</summary>
    private void SendOwn(GossipMessage message, IReadOnlyList<string> targets, IEnumerable<string> covered, ulong hash)
    {
        if (targets.Count > 0)
        {
            _outbox.Push(Wire.WriteEnvelope(Id, [message]), 1, targets, new GossipHeaders(new HashSet<string>(covered, StringComparer.Ordinal), hash));
        }
    }

    /// <summary>
    /// A peer answered for the first time after a send left it out while it was on probation (a name nobody had
    /// heard answer gets one request at a time): one digest exchange gives it whatever it missed meanwhile.
    /// </summary>
    private void CatchUp(string peer) => _outbox.Run(token => ExchangeWithAsync(peer, token));

    private void RefuteIfNewer(long version)
    {
        bool refute;
        string book;
        lock (_lock)
        {
            refute = _clock.Observe(version);
            book = _book;
        }

        if (refute)
        {
            // An earlier run of this node (same id, same second) left a version at least as high as ours out there.
            Log.Refuting(_logger, version);
            Pick(book);
        }
    }

    /// <summary>Stores an entry and logs the change. Caller holds the lock (or is the constructor).</summary>
    private void SetWorldLocked(string origin, WorldEntry entry, ChangeSource source)
    {
        _world.Set(origin, entry);
        _log.Append(origin, entry, source);
    }

    /// <summary>The origin spoke to us itself, or answered us: it lives.</summary>
    private void Heard(string origin)
    {
        lock (_lock)
        {
            _world.Heard(origin, _time.GetUtcNow());
        }
    }

    private long VersionHeld(string peer)
    {
        lock (_lock)
        {
            return _world.VersionOf(peer);
        }
    }

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

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Joined through seed {Seed}; {PeerCount} peers known")]
        public static partial void Joined(ILogger logger, string seed, int peerCount);

        [LoggerMessage(2, LogLevel.Information, "Seed {Seed} is not reachable yet ({Reason}); retrying with backoff")]
        public static partial void SeedNotReady(ILogger logger, string seed, string reason);

        [LoggerMessage(12, LogLevel.Warning, "Seed {Seed} refuses this node's join ({Reason}); are Gossip:Keys the same on both? Retrying with backoff")]
        public static partial void SeedRefusedMac(ILogger logger, string seed, string reason);

        [LoggerMessage(3, LogLevel.Information, "Picked \"{Book}\" (version {Version}); sending to {Targets} peers")]
        public static partial void Picked(ILogger logger, string book, long version, int targets);

        [LoggerMessage(7, LogLevel.Debug, "Dropped message {Uuid} from origin {Origin}: its ttl ran out")]
        public static partial void Expired(ILogger logger, string uuid, string origin);

        [LoggerMessage(8, LogLevel.Information, "Anti-entropy with {Peer}: received {Received} entries, sent {Sent}")]
        public static partial void Repaired(ILogger logger, string peer, int received, int sent);

        [LoggerMessage(9, LogLevel.Warning, "Peer {Peer} answered a digest with something unreadable: {Error}")]
        public static partial void BadDigestReply(ILogger logger, string peer, string error);

        [LoggerMessage(12, LogLevel.Information, "Forgot origin {Origin}: not heard from for {ForgetAfter}")]
        public static partial void Forgot(ILogger logger, string origin, TimeSpan forgetAfter);

        [LoggerMessage(42, LogLevel.Debug, "Pushed {Count} entries to gem-protocol peer {Peer} in place of a digest exchange")]
        public static partial void PushedToGem(ILogger logger, string peer, int count);

        [LoggerMessage(10, LogLevel.Warning, "Heard our own id with version {Version}, at least ours: an earlier run; announcing past it")]
        public static partial void Refuting(ILogger logger, long version);

        [LoggerMessage(30, LogLevel.Warning, "Woke up {Seconds:0.0} s late, so this process was paused; announcing again to {Peers} peers, which may have dropped it")]
        public static partial void Resumed(ILogger logger, double seconds, int peers);
    }
}
