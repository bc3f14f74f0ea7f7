using System.Globalization;
using GossipAspire.Node.Gossip;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node;

/// <summary>
/// Every setting of a node, bound from the <c>Gossip</c> configuration section (so <c>--Gossip:Ttl=4</c>,
/// <c>Gossip__Ttl=4</c> and appsettings all work; <c>--port</c> and <c>--seed</c> are short forms).
/// </summary>
public sealed class GossipOptions
{
    public const string SectionName = "Gossip";
    public const int DefaultPort = 8000;

    /// <summary>The id this node announces. Default: its port, as the gem does.</summary>
    public string? Id { get; set; }

    /// <summary>The port to listen on (127.0.0.1). Default: the port of ASPNETCORE_URLS, else 8000.</summary>
    public int? Port { get; set; }

    /// <summary>The one peer to join through: a port, <c>host:port</c> or a URL. None: this is the first node.</summary>
    public string? Seed { get; set; }

    /// <summary>The book list, one <c>Title by Author</c> a line. Relative paths are tried from the working directory, then beside the app.</summary>
    public string BooksFile { get; set; } = "books.txt";

    /// <summary>How often the node picks a new book.</summary>
    public TimeSpan PickInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Each wait is PickInterval × (1 ± PickJitter), so nodes started together do not pick together.</summary>
    public double PickJitter { get; set; } = 0.2;

    /// <summary>Hops a new message may travel.</summary>
    public int Ttl { get; set; } = 3;

    /// <summary>How often a node compares digests with one random peer (later when gossip shows it is in sync).</summary>
    public TimeSpan AntiEntropyInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of one node-to-node request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An artificial delay before every node-to-node request (to study slow networks; 0 in production).</summary>
    public TimeSpan SendDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Most message uuids remembered for deduplication.</summary>
    public int MessageCacheSize { get; set; } = 10_000;

    /// <summary>Longest a message uuid is remembered.</summary>
    public TimeSpan MessageCacheAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest request body accepted; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Consecutive failed requests after which a peer is dropped (it is learned again when it speaks).</summary>
    public int PeerFailureLimit { get; set; } = 3;

    /// <summary>
    /// Most peers a node holds, and most origins its world view holds besides itself: an id beyond it is not
    /// learned, and news of a further origin is refused, until a peer is dropped or an origin forgotten.
    /// </summary>
    public int MaxPeers { get; set; } = 256;

    /// <summary>
    /// The hosts a peer id may name, comma-separated: <c>loopback</c>, <c>*</c>, IP addresses, CIDR ranges, host
    /// names. Unset: <c>loopback</c> while the node listens on loopback only (its default), else <c>*</c>.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>
    /// World entries of origins not heard from for this long are dropped (never the node's own): an origin is heard
    /// when a newer version of it arrives or it speaks to this node itself (a request from it, an answer from it).
    /// </summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many world-view changes <c>GET /history/</c> keeps.</summary>
    public int HistorySize { get; set; } = 10_000;

    /// <summary>The longest wait between two attempts to reach a seed that is not up yet.</summary>
    public TimeSpan JoinRetryMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far ahead of this node's clock the generation of a version may be (the generation is its origin's start
    /// second); a message from further ahead is refused. Bounds how far one forged version can push an origin.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most bytes a message's unknown payload keys may take together (names and values, as sent); the known keys
    /// have bounds of their own. A message over it is refused before it is stored or forwarded.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>
    /// The keyring (docs/PROTOCOL.md, section 10): shared secrets, at least <see cref="Keyring.MinKeyLength"/>
    /// characters each. The first signs every message this node picks and every digest and join request it makes;
    /// every key verifies, so keys rotate with no downtime. Empty (the default): the node is open, as the gem is.
    /// </summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>
    /// How long a peer that answered 404 to <c>/digest/</c> counts as a gem-protocol peer (pushed to, never sent a
    /// digest) before a digest asks it again, in case one of our nodes has taken its port over.
    /// </summary>
    public TimeSpan GemProbeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The port this node listens on, from the options or the URLs ASP.NET Core was given.</summary>
    public int ResolvePort(string? urls)
    {
        if (Port is { } port)
        {
            return port;
        }

        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "http://localhost:5001", "http://+:5001", "http://*:5001" are not all valid Uris; the port is after the last ':'.
            var trimmed = url.TrimEnd('/');
            var colon = trimmed.LastIndexOf(':');
            if (colon > 0 && int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var urlPort))
            {
                return urlPort;
            }
        }

        return DefaultPort;
    }
}

/// <summary>Reports every problem with the options at once, as the Aspire dashboard's validator does.</summary>
public sealed class GossipOptionsValidator : IValidateOptions<GossipOptions>
{
    public ValidateOptionsResult Validate(string? name, GossipOptions options)
    {
        var problems = new List<string>();
        if (options.Port is { } port && port is < 1 or > 65535)
        {
            problems.Add($"Gossip:Port must be between 1 and 65535 (got {port}).");
        }

        if (options.Id is { } id && !PeerId.TryNormalize(id, out _))
        {
            problems.Add($"Gossip:Id '{id}' is not a port or host:port.");
        }

        if (!string.IsNullOrWhiteSpace(options.Seed) && !PeerId.TryFromSeed(options.Seed, out _))
        {
            problems.Add($"Gossip:Seed '{options.Seed}' is not a port, host:port or http URL.");
        }

        Positive(options.PickInterval, "PickInterval", problems);
        Positive(options.AntiEntropyInterval, "AntiEntropyInterval", problems);
        Positive(options.RequestTimeout, "RequestTimeout", problems);
        Positive(options.MessageCacheAge, "MessageCacheAge", problems);
        Positive(options.JoinRetryMax, "JoinRetryMax", problems);
        Positive(options.MaxClockSkew, "MaxClockSkew", problems);
        Positive(options.ForgetAfter, "ForgetAfter", problems);
        Positive(options.GemProbeInterval, "GemProbeInterval", problems);
        if (options.MaxClockSkew > TimeSpan.FromDays(1))
        {
            problems.Add($"Gossip:MaxClockSkew must be at most 1.00:00:00 (got {options.MaxClockSkew}).");
        }
        if (options.SendDelay < TimeSpan.Zero)
        {
            problems.Add($"Gossip:SendDelay must not be negative (got {options.SendDelay}).");
        }

        if (options.PickJitter is < 0 or >= 1 || double.IsNaN(options.PickJitter))
        {
            problems.Add($"Gossip:PickJitter must be at least 0 and below 1 (got {options.PickJitter}).");
        }

        AtLeast(options.Ttl, 1, "Ttl", problems);
        AtLeast(options.MessageCacheSize, 1, "MessageCacheSize", problems);
        AtLeast(options.MaxBodyBytes, 1024, "MaxBodyBytes", problems);
        AtLeast(options.PeerFailureLimit, 1, "PeerFailureLimit", problems);
        AtLeast(options.HistorySize, 1, "HistorySize", problems);
        AtLeast(options.MaxPeers, 1, "MaxPeers", problems);
        if (options.MaxPeers > 100_000)
        {
            problems.Add($"Gossip:MaxPeers must be at most 100000 (got {options.MaxPeers}).");
        }

        AtLeast(options.MaxPayloadBytes, 256, "MaxPayloadBytes", problems);
        if (options.MaxPayloadBytes > options.MaxBodyBytes)
        {
            problems.Add($"Gossip:MaxPayloadBytes must be at most Gossip:MaxBodyBytes ({options.MaxBodyBytes}) (got {options.MaxPayloadBytes}).");
        }
        if (options.AllowedHosts is { } hosts && !HostPolicy.TryParse(hosts, out _, out var hostsError))
        {
            problems.Add(hostsError);
        }

        ValidateKeys(options.Keys, problems);
        if (string.IsNullOrWhiteSpace(options.BooksFile))
        {
            problems.Add("Gossip:BooksFile must name a file.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Each key long enough, without stray whitespace, none repeated; a key itself never appears in a message.</summary>
    private static void ValidateKeys(List<string> keys, List<string> problems)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i] ?? "";
            if (key.Length < Keyring.MinKeyLength)
            {
                problems.Add($"Gossip:Keys:{i} must be at least {Keyring.MinKeyLength} characters (got {key.Length}).");
                continue;
            }

            if (key.Length != key.Trim().Length)
            {
                problems.Add($"Gossip:Keys:{i} starts or ends with whitespace (a stray newline or space would make it another key).");
                continue;
            }

            var id = Keyring.KeyId(key);
            if (ids.TryGetValue(id, out var first))
            {
                problems.Add(keys[first] == key
                    ? $"Gossip:Keys:{i} repeats Gossip:Keys:{first}."
                    : $"Gossip:Keys:{i} has the same key id ({id}) as Gossip:Keys:{first}; choose another key.");
                continue;
            }

            ids[id] = i;
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> problems)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"Gossip:{name} must be positive (got {value}).");
        }
    }

    private static void AtLeast(int value, int minimum, string name, List<string> problems)
    {
        if (value < minimum)
        {
            problems.Add($"Gossip:{name} must be at least {minimum} (got {value}).");
        }
    }
}
