using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// The one door. Every request a peer or a tool makes of the gossip endpoints, and every message that comes in
/// (pushed in an envelope or handed over in a digest answer), passes here before anything of it is stored: a
/// request is read and checked whole, or refused with the problem to answer; a message is admitted, or refused and
/// counted. Rules that decide who may say what (limits, signatures, request MACs) belong here and nowhere else.
/// </summary>
/// <remarks>
/// Message rules (docs/PROTOCOL.md, section 9): a version is at most 2^53 - 1, and its generation (its origin's
/// start second) at most <see cref="GossipOptions.MaxClockSkew"/> ahead of this node's clock; unknown payload keys
/// fit in <see cref="GossipOptions.MaxPayloadBytes"/>; a new origin needs room in the world view; the origin's
/// host is allowed (<see cref="GossipOptions.AllowedHosts"/>); with a <see cref="Keyring"/>, <c>payload.sig</c> is
/// a valid signature of the origin fields by a key of the ring (section 10). A request whose sender's host is not
/// allowed is refused whole with 403. A refused message is
/// counted (<c>gossip.messages.refused</c>, by reason) and otherwise ignored: not deduplicated, not stored, not
/// forwarded; the rest of its envelope is still taken, and the sender still gets <c>{"status":"OK"}</c>, because a
/// gem node relays whatever it holds and drops a peer that answers anything else.
/// Request rules (section 10): with a keyring, <c>POST /digest/</c> and <c>GET /peers/{id}</c> carry a valid
/// <c>X-Gossip-Mac</c> whose timestamp is within <see cref="GossipOptions.MaxClockSkew"/> of this node's clock and
/// has not been accepted before, or get <c>401</c> (<see cref="Authenticate"/>, called by one request filter).
/// </remarks>
public sealed partial class Admission(IOptions<GossipOptions> options, HostPolicy hosts, GossipCounters counters, Keyring keyring, ILogger<Admission> logger)
{
    public const string HostNotAllowedTitle = "Host not allowed";

    private readonly long _maxSkewSeconds = (long)Math.Ceiling(options.Value.MaxClockSkew.TotalSeconds);
    private readonly ReplayGuard _replays = new(options.Value.MessageCacheSize);
    private readonly int _maxPayloadBytes = options.Value.MaxPayloadBytes;
    private readonly int _maxOrigins = options.Value.MaxPeers + 1;

    public const string BadEnvelopeTitle = "Invalid gossip envelope";
    public const string BadDigestTitle = "Invalid digest";
    public const string BadNodeIdTitle = "Invalid node id";
    public const string UnauthenticatedTitle = "Request not authenticated";

    /// <summary>True without a keyring: nothing is signed, nothing is checked (the gem's network).</summary>
    public bool IsOpen => keyring.IsOpen;

    /// <summary>
    /// A <c>/digest/</c> or <c>/peers/{id}</c> request, before anything of it is read: with a keyring, its
    /// <c>X-Gossip-Mac</c> must be valid for <paramref name="method"/>, <paramref name="path"/> (percent-decoded)
    /// and <paramref name="body"/>, fresh, and not seen before. Null when it is; else the <c>401</c> to answer,
    /// and the refusal is counted.
    /// </summary>
    public Refusal? Authenticate(string method, string path, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (keyring.IsOpen)
        {
            return null;
        }

        var header = headers[Wire.MacHeader];
        var check = header.Count > 1
            ? new RequestCheck(SignatureCheck.Malformed, 0, null)
            : keyring.VerifyRequest(header.ToString(), method, path, body);
        RequestRefusalReason? reason = check.Result switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.Missing => RequestRefusalReason.Missing,
            SignatureCheck.UnknownKey => RequestRefusalReason.UnknownKey,
            SignatureCheck.BadSignature => RequestRefusalReason.BadSignature,
            _ => RequestRefusalReason.Malformed,
        };

        var nowSeconds = now.ToUnixTimeSeconds();
        var skew = check.UnixSeconds - nowSeconds;
        if (reason is null && Math.Abs(skew) > _maxSkewSeconds)
        {
            reason = RequestRefusalReason.Stale;
        }
        else if (reason is null && !_replays.TryUse(check.Mac!, check.UnixSeconds + _maxSkewSeconds, nowSeconds))
        {
            reason = RequestRefusalReason.Replayed;
        }

        if (reason is not { } refused)
        {
            return null;
        }

        counters.RequestRefused(refused);
        Log.RequestRefused(logger, method, path, refused.Tag());
        var detail = refused switch
        {
            RequestRefusalReason.Missing => $"The request has no {Wire.MacHeader} header; the receiving node has a keyring (Gossip:Keys), so {path} needs one.",
            RequestRefusalReason.Malformed => $"The {Wire.MacHeader} header is not one value of the form <key id>:<unix seconds>:<base64 HMAC-SHA256>.",
            RequestRefusalReason.UnknownKey => $"The {Wire.MacHeader} header was made with a key that is not in the receiving node's keyring.",
            RequestRefusalReason.BadSignature => $"The {Wire.MacHeader} header does not match this request (method, path, timestamp and body).",
            RequestRefusalReason.Stale => $"The {Wire.MacHeader} timestamp is {skew} s from the receiving node's clock; at most {_maxSkewSeconds} s (Gossip:MaxClockSkew) are accepted.",
            _ => $"This {Wire.MacHeader} was accepted once already; a request cannot be sent again.",
        };
        return new Refusal(StatusCodes.Status401Unauthorized, UnauthenticatedTitle, detail, refused.Tag());
    }

    /// <summary>The hosts peers may be on: membership consults the same policy, so the two never disagree.</summary>
    public HostPolicy Hosts => hosts;

    /// <summary><c>POST /gossip/</c>: the body read as an envelope, with what its headers say.</summary>
    public Admitted<InboundEnvelope> Envelope(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        if (!Wire.TryReadEnvelope(body, out var envelope, out var error))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadEnvelopeTitle, error!);
        }

        if (NotAllowed(envelope!.ClientId, "client_id") is { } refusal)
        {
            return refusal;
        }

        var gossipHeaders = new GossipHeaders(
            Wire.ParseCovered(headers[Wire.CoveredHeader]),
            ulong.TryParse(headers[Wire.WorldHashHeader], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) ? hash : null);
        return new InboundEnvelope(envelope, gossipHeaders);
    }

    /// <summary><c>POST /digest/</c>: the body read as a digest. (The headers are where a request's MAC will be.)</summary>
    public Admitted<DigestRequest> Digest(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        if (!Wire.TryReadDigest(body, out var digest, out var error))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadDigestTitle, error!);
        }

        if (NotAllowed(digest!.ClientId, "client_id") is { } refusal)
        {
            return refusal;
        }

        // Origins this node may not hold are not its business: left out, as if the caller had not named them.
        return digest.Versions.Keys.All(hosts.Allows)
            ? digest
            : digest with { Versions = digest.Versions.Where(v => hosts.Allows(v.Key)).ToDictionary(StringComparer.Ordinal) };
    }

    /// <summary><c>GET /peers/{client_id}</c>: the caller's id, normalized.</summary>
    public Admitted<string> Introduction(string clientId, IHeaderDictionary headers)
    {
        if (!PeerId.TryNormalize(clientId, out var caller))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadNodeIdTitle, $"'{clientId}' is not a node id (a port or host:port).");
        }

        return NotAllowed(caller, "client_id") is { } refusal ? refusal : caller;
    }

    /// <summary>
    /// One inbound message, before it is deduplicated, stored or forwarded. True with the message as it may be
    /// kept; false when it is refused (and counted).
    /// </summary>
    public bool TryAdmit(GossipMessage message, DateTimeOffset now, out GossipMessage admitted)
    {
        admitted = message;
        if (Check(message, now) is not { } reason)
        {
            return true;
        }

        counters.MessageRefused(reason);
        Log.Refused(logger, message.Uuid, message.ClientId, message.Payload.Version, reason.Tag());
        return false;
    }

    /// <summary>
    /// Whether the world view, holding <paramref name="origins"/> origins (itself included), has room for the
    /// message's origin: always for one it holds, else only below <see cref="GossipOptions.MaxPeers"/> + 1. A message
    /// without room is refused (and counted). The engine asks under the lock that guards the world view, before it
    /// stores the message's uuid.
    /// </summary>
    public bool HasRoomFor(GossipMessage message, bool knownOrigin, int origins)
    {
        if (knownOrigin || origins < _maxOrigins)
        {
            return true;
        }

        counters.MessageRefused(RefusalReason.OriginLimit);
        Log.Refused(logger, message.Uuid, message.ClientId, message.Payload.Version, RefusalReason.OriginLimit.Tag());
        return false;
    }

    private Refusal? NotAllowed(string id, string what) =>
        hosts.Allows(id)
            ? null
            : new Refusal(StatusCodes.Status403Forbidden, HostNotAllowedTitle, $"{what} '{id}' names a host outside this node's Gossip:AllowedHosts ({hosts}).");

    private RefusalReason? Check(GossipMessage message, DateTimeOffset now)
    {
        if (!hosts.Allows(message.ClientId))
        {
            return RefusalReason.HostNotAllowed;
        }

        var version = message.Payload.Version;
        if (version > VersionClock.MaxVersion)
        {
            return RefusalReason.VersionTooHigh;
        }

        if (VersionClock.GenerationOf(version) > now.ToUnixTimeSeconds() + _maxSkewSeconds)
        {
            return RefusalReason.ClockSkew;
        }

        if (UnknownKeyBytes(message.Payload) > _maxPayloadBytes)
        {
            return RefusalReason.PayloadTooLarge;
        }

        // Last: the cheap rules first. Without a keyring nothing is checked (there is no key to check with).
        return keyring.IsOpen ? null : keyring.Verify(message) switch
        {
            SignatureCheck.Valid => null,
            SignatureCheck.Missing => RefusalReason.Unsigned,
            SignatureCheck.UnknownKey => RefusalReason.UnknownKey,
            _ => RefusalReason.BadSignature,
        };
    }

    /// <summary>The bytes of the payload's unknown keys, names and values as sent: the part no other rule bounds.</summary>
    public static long UnknownKeyBytes(GossipPayload payload)
    {
        long bytes = 0;
        foreach (var (key, value) in payload.Extra ?? [])
        {
            bytes += Encoding.UTF8.GetByteCount(key) + JsonMarshal.GetRawUtf8Value(value).Length;
        }

        return bytes;
    }

    private static partial class Log
    {
        // Debug: a flood of refused messages must not become a flood of log lines.
        [LoggerMessage(20, LogLevel.Debug, "Refused message {Uuid} of origin {Origin} (version {Version}): {Reason}")]
        public static partial void Refused(ILogger logger, string uuid, string origin, long version, string reason);

        [LoggerMessage(21, LogLevel.Debug, "Refused {Method} {Path} with 401: {Reason}")]
        public static partial void RequestRefused(ILogger logger, string method, string path, string reason);
    }
}

/// <summary>Why a request is refused: the status and problem details to answer with (and a <c>reason</c> member, for 401).</summary>
public sealed record Refusal(int Status, string Title, string Detail, string? Reason = null);

/// <summary>An envelope as admitted: its messages and what the gossip headers said.</summary>
public sealed record InboundEnvelope(GossipEnvelope Envelope, GossipHeaders Headers);

/// <summary>What the door says of a request: the value read from it, or the refusal.</summary>
public readonly struct Admitted<T>
    where T : class
{
    private Admitted(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    public T? Value { get; }

    public Refusal? Refusal { get; }

    public static implicit operator Admitted<T>(T value) => new(value, null);

    public static implicit operator Admitted<T>(Refusal refusal) => new(null, refusal);
}
