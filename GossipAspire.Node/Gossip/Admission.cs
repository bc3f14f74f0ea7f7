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
/// counted. Rules that decide who may say what (limits, signatures, and later request MACs) belong here and nowhere else.
/// </summary>
/// <remarks>
/// Message rules (docs/PROTOCOL.md, section 9): a version is at most 2^53 - 1, and its generation (its origin's
/// start second) at most <see cref="GossipOptions.MaxClockSkew"/> ahead of this node's clock; unknown payload keys
/// fit in <see cref="GossipOptions.MaxPayloadBytes"/>; a new origin needs room in the world view; with a
/// <see cref="Keyring"/>, <c>payload.sig</c> is a valid signature of the origin fields by a key of the ring
/// (section 10). A refused message is
/// counted (<c>gossip.messages.refused</c>, by reason) and otherwise ignored: not deduplicated, not stored, not
/// forwarded; the rest of its envelope is still taken, and the sender still gets <c>{"status":"OK"}</c>, because a
/// gem node relays whatever it holds and drops a peer that answers anything else.
/// </remarks>
public sealed partial class Admission(IOptions<GossipOptions> options, GossipCounters counters, Keyring keyring, ILogger<Admission> logger)
{
    private readonly long _maxSkewSeconds = (long)Math.Ceiling(options.Value.MaxClockSkew.TotalSeconds);
    private readonly int _maxPayloadBytes = options.Value.MaxPayloadBytes;
    private readonly int _maxOrigins = options.Value.MaxPeers + 1;

    public const string BadEnvelopeTitle = "Invalid gossip envelope";
    public const string BadDigestTitle = "Invalid digest";
    public const string BadNodeIdTitle = "Invalid node id";
    /// <summary><c>POST /gossip/</c>: the body read as an envelope, with what its headers say.</summary>
    public Admitted<InboundEnvelope> Envelope(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        if (!Wire.TryReadEnvelope(body, out var envelope, out var error))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadEnvelopeTitle, error!);
        }

        var gossipHeaders = new GossipHeaders(
            Wire.ParseCovered(headers[Wire.CoveredHeader]),
            ulong.TryParse(headers[Wire.WorldHashHeader], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) ? hash : null);
        return new InboundEnvelope(envelope!, gossipHeaders);
    }

    /// <summary><c>POST /digest/</c>: the body read as a digest. (The headers are where a request's MAC will be.)</summary>
    public Admitted<DigestRequest> Digest(ReadOnlySpan<byte> body, IHeaderDictionary headers)
    {
        if (!Wire.TryReadDigest(body, out var digest, out var error))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadDigestTitle, error!);
        }

        return digest!;
    }

    /// <summary><c>GET /peers/{client_id}</c>: the caller's id, normalized.</summary>
    public Admitted<string> Introduction(string clientId, IHeaderDictionary headers)
    {
        if (!PeerId.TryNormalize(clientId, out var caller))
        {
            return new Refusal(StatusCodes.Status400BadRequest, BadNodeIdTitle, $"'{clientId}' is not a node id (a port or host:port).");
        }

        return caller;
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

    private RefusalReason? Check(GossipMessage message, DateTimeOffset now)
    {
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
    }
}

/// <summary>Why a request is refused: the status and problem details to answer with.</summary>
public sealed record Refusal(int Status, string Title, string Detail);

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
