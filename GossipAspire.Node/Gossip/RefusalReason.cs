namespace GossipAspire.Node.Gossip;

/// <summary>Why <see cref="Admission"/> refused a message: the <c>reason</c> tag of <c>gossip.messages.refused</c>.</summary>
public enum RefusalReason
{
    /// <summary>A version above 2^53 - 1, which the protocol never uses.</summary>
    VersionTooHigh,

    /// <summary>A version from a generation further ahead of this node's clock than <see cref="GossipOptions.MaxClockSkew"/>.</summary>
    ClockSkew,

    /// <summary>Unknown payload keys larger, together, than <see cref="GossipOptions.MaxPayloadBytes"/>.</summary>
    PayloadTooLarge,

    /// <summary>News of an origin the world view has no room for (<see cref="GossipOptions.MaxPeers"/> others held).</summary>
    OriginLimit,

    /// <summary>An origin whose host is outside <see cref="GossipOptions.AllowedHosts"/>.</summary>
    HostNotAllowed,

    /// <summary>No <c>payload.sig</c>, and the receiving node has a keyring.</summary>
    Unsigned,

    /// <summary>Signed with a key not in this node's ring (never in it, or removed by a rotation).</summary>
    UnknownKey,

    /// <summary>A signature that does not match the origin fields: changed on the way, forged, or not of the documented form.</summary>
    BadSignature,
}

/// <summary>
/// Why <see cref="Admission"/> refused a <c>/digest/</c> or <c>/peers/{id}</c> request with <c>401</c>: the
/// <c>reason</c> of the problem details and of <c>gossip.requests.refused</c>.
/// </summary>
public enum RequestRefusalReason
{
    /// <summary>No <c>X-Gossip-Mac</c> header.</summary>
    Missing,

    /// <summary>A header not of the form <c>key id:unix seconds:base64 HMAC</c>.</summary>
    Malformed,

    /// <summary>Made with a key not in this node's ring.</summary>
    UnknownKey,

    /// <summary>The MAC does not match the method, path, timestamp and body.</summary>
    BadSignature,

    /// <summary>A valid MAC whose timestamp is further from the receiving node's clock than <see cref="GossipOptions.MaxClockSkew"/>.</summary>
    Stale,

    /// <summary>A valid MAC this node has already accepted once.</summary>
    Replayed,
}

public static class RefusalReasons
{
    public static readonly RefusalReason[] All = Enum.GetValues<RefusalReason>();

    /// <summary>The metric tag value: snake_case, as the wire and the stats are.</summary>
    public static string Tag(this RefusalReason reason) => reason switch
    {
        RefusalReason.VersionTooHigh => "version_too_high",
        RefusalReason.ClockSkew => "clock_skew",
        RefusalReason.PayloadTooLarge => "payload_too_large",
        RefusalReason.OriginLimit => "origin_limit",
        RefusalReason.HostNotAllowed => "host_not_allowed",
        RefusalReason.Unsigned => "unsigned",
        RefusalReason.UnknownKey => "unknown_key",
        RefusalReason.BadSignature => "bad_signature",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static readonly RequestRefusalReason[] AllRequest = Enum.GetValues<RequestRefusalReason>();

    public static string Tag(this RequestRefusalReason reason) => reason switch
    {
        RequestRefusalReason.Missing => "missing",
        RequestRefusalReason.Malformed => "malformed",
        RequestRefusalReason.UnknownKey => "unknown_key",
        RequestRefusalReason.BadSignature => "bad_signature",
        RequestRefusalReason.Stale => "stale",
        RequestRefusalReason.Replayed => "replayed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
