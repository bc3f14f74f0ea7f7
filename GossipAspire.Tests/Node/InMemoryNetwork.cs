using System.Diagnostics.Metrics;
using System.Text.Json;
using GossipAspire.Node;
using GossipAspire.Node.Gossip;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Engines wired together in memory, through the real wire format (every body is written and read by
/// <see cref="Wire"/>), on one <see cref="FakeTimeProvider"/>. Nodes can be taken down and requests dropped. A
/// node given keys (<see cref="GossipOptions.Keys"/>) signs its picks, and its joins and digests carry the MAC
/// the HTTP transport would send, checked by the receiver's <see cref="Admission"/> as its request filter would.
/// </summary>
public sealed class InMemoryNetwork : IDisposable
{
    private readonly Dictionary<string, GossipEngine> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Keyring Keyring, Admission Admission)> _doors = new(StringComparer.Ordinal);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>The meter factory of this network's engines: a listener can tell their instruments from other tests' by it.</summary>
    public IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();
    private readonly List<IDisposable> _disposables = [];

    public static readonly BookList Books = new(Enumerable.Range(1, 50).Select(i => $"Book {i} by Author {i}"));

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    public HashSet<string> Down { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests (from, to) for which this answers true are lost before they arrive.</summary>
    public Func<string, string, bool> Lose { get; set; } = (_, _) => false;

    /// <summary>Envelopes (from, to) for which this answers a task wait for it before they arrive (a slow peer).</summary>
    public Func<string, string, Task?> Hold { get; set; } = (_, _) => null;

    /// <summary>Envelopes (from, to) for which this answers true vanish silently: the sender thinks they arrived.</summary>
    public Func<string, string, bool> Swallow { get; set; } = (_, _) => false;

    public int Requests { get; private set; }

    /// <summary>Nodes that answer a digest as the Ruby gem does, with 404 (they have no <c>/digest/</c>); pushes still arrive.</summary>
    public HashSet<string> GemProtocol { get; } = new(StringComparer.Ordinal);

    /// <summary>Digests sent to each node, answered or not.</summary>
    public Dictionary<string, int> DigestsTo { get; } = new(StringComparer.Ordinal);

    public GossipEngine this[string id] => _nodes[id];

    public GossipEngine Add(string id, Action<GossipOptions>? configure = null, int seed = 1)
    {
        var options = new GossipOptions { Port = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture) };
        configure?.Invoke(options);
        var telemetry = new GossipTelemetry(_services.GetRequiredService<IMeterFactory>());
        var counters = new GossipCounters(telemetry);
        var keyring = new Keyring(options.Keys);
        var admission = new Admission(
            Options.Create(options), HostPolicy.For(options.AllowedHosts, listensOnLoopbackOnly: true), counters, keyring, NullLogger<Admission>.Instance);
        var engine = new GossipEngine(
            Options.Create(options),
            new NodeIdentity(id, options.Port!.Value),
            Books,
            new Transport(this, id),
            Time,
            telemetry,
            counters,
            admission,
            keyring,
            NullLogger<GossipEngine>.Instance,
            new Random(seed + _nodes.Count));
        _disposables.Add(engine);
        _disposables.Add(telemetry);
        _nodes[id] = engine;
        _doors[id] = (keyring, admission);
        return engine;
    }

    /// <summary>A node's door, for tests of what it lets in.</summary>
    public Admission AdmissionOf(string id) => _doors[id].Admission;

    /// <summary>A node's keyring, for tests that sign as it would.</summary>
    public Keyring KeyringOf(string id) => _doors[id].Keyring;

    /// <summary>Makes everyone know everyone, as a settled network does.</summary>
    public void Mesh()
    {
        foreach (var a in _nodes.Keys)
        {
            foreach (var b in _nodes.Keys.Where(b => b != a))
            {
                _nodes[a].Introduce(b);
            }
        }
    }

    /// <summary>
    /// Advances fake time in small steps so retries and backoffs run, and waits for requests in flight. On a busy
    /// machine a request can reach its retry delay only after the steps have all been taken (they cost no real
    /// time); such a request would wait forever on a clock nobody moves, so while any is still in flight, fake time
    /// goes on moving in the same steps. On a quiet machine nothing is in flight by then and this changes nothing.
    /// <paramref name="until"/> is more work to wait for in the same way (a join that retries its seed).
    /// </summary>
    public async Task SettleAsync(TimeSpan span, Task? until = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var step = TimeSpan.FromMilliseconds(50);
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += step)
        {
            Time.Advance(step);
            await Task.Yield();
        }

        var idle = Task.WhenAll([.. _nodes.Values.Select(node => node.WhenIdleAsync(timeout.Token)), (until ?? Task.CompletedTask).WaitAsync(timeout.Token)]);
        while (await Task.WhenAny(idle, Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token)) != idle)
        {
            Time.Advance(step);
        }

        await idle;
    }

    public long TotalRequests => _nodes.Values.Sum(n => n.Stats.RequestsSent);

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _services.Dispose();
    }

    private sealed class Transport(InMemoryNetwork network, string self) : IGossipTransport
    {
        public Task<IReadOnlyList<string>> JoinAsync(string seed, string caller, CancellationToken cancellationToken)
        {
            var target = Reach(seed);
            Authenticate(seed, "GET", $"/peers/{caller}", []);
            return Task.FromResult(target.Introduce(caller));
        }

        public async Task SendAsync(string peer, byte[] envelope, GossipHeaders headers, CancellationToken cancellationToken)
        {
            if (network.Hold(self, peer) is { } held)
            {
                await held.WaitAsync(cancellationToken);
            }

            var target = Reach(peer);
            if (!Wire.TryReadEnvelope(envelope, out var parsed, out var error))
            {
                throw new InvalidOperationException($"the engine wrote an envelope its own reader refuses: {error}");
            }

            if (OutOfRange(envelope) is { } number)
            {
                throw new InvalidOperationException($"the engine wrote the number {number}, beyond 2^53 - 1");
            }

            if (!network.Swallow(self, peer))
            {
                target.Receive(parsed!, headers);
            }
        }

        public Task<byte[]> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken)
        {
            network.DigestsTo[peer] = network.DigestsTo.GetValueOrDefault(peer) + 1;
            if (network.GemProtocol.Contains(peer))
            {
                Reach(peer);
                throw new HttpRequestException("Response status code does not indicate success: 404 (Not Found).", null, System.Net.HttpStatusCode.NotFound);
            }

            var target = Reach(peer);
            Authenticate(peer, "POST", "/digest/", digest);
            if (!Wire.TryReadDigest(digest, out var parsed, out var error))
            {
                throw new InvalidOperationException($"the engine wrote a digest its own reader refuses: {error}");
            }

            return Task.FromResult(Wire.WriteDigestReply(target.AnswerDigest(parsed!)));
        }

        /// <summary>What the HTTP transport and the receiver's request filter do: a MAC made here, checked there.</summary>
        private void Authenticate(string peer, string method, string path, byte[] body)
        {
            var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
            var now = network.Time.GetUtcNow();
            if (network._doors[self].Keyring.MacRequest(method, path, now.ToUnixTimeSeconds(), body) is { } mac)
            {
                headers[Wire.MacHeader] = mac;
            }

            if (network._doors[peer].Admission.Authenticate(method, path, headers, body, now) is { } refusal)
            {
                throw new HttpRequestException($"{refusal.Status}: {refusal.Detail}", null, System.Net.HttpStatusCode.Unauthorized);
            }
        }

        /// <summary>Any number in the body beyond what the protocol allows (every number a node sends is within 2^53 - 1).</summary>
        private static string? OutOfRange(byte[] body)
        {
            using var document = JsonDocument.Parse(body);
            return Walk(document.RootElement);

            static string? Walk(JsonElement element) => element.ValueKind switch
            {
                JsonValueKind.Number => element.TryGetInt64(out var value) && Math.Abs(value) <= Wire.MaxNumber ? null : element.GetRawText(),
                JsonValueKind.Object => element.EnumerateObject().Select(p => Walk(p.Value)).FirstOrDefault(n => n is not null),
                JsonValueKind.Array => element.EnumerateArray().Select(Walk).FirstOrDefault(n => n is not null),
                _ => null,
            };
        }

        private GossipEngine Reach(string peer)
        {
            network.Requests++;
            if (network.Down.Contains(peer) || !network._nodes.TryGetValue(peer, out var target))
            {
                throw new HttpRequestException($"Connection refused ({peer})");
            }

            if (network.Lose(self, peer))
            {
                throw new HttpRequestException($"request {self} -> {peer} lost");
            }

            return target;
        }
    }
}
