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

    /// <summary>No <c>payload.sig</c>, and this node has a keyring.</summary>
    Unsigned,

    /// <summary>Signed with a key not in this node's ring (never in it, or removed by a rotation).</summary>
    UnknownKey,

    /// <summary>A signature that does not match the origin fields: changed on the way, forged, or not of the documented form.</summary>
    BadSignature,
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
        RefusalReason.Unsigned => "unsigned",
        RefusalReason.UnknownKey => "unknown_key",
        RefusalReason.BadSignature => "bad_signature",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

}
