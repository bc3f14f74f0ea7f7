using System.Globalization;

namespace GossipAspire.Dashboard.Gossip;

/// <summary>
/// The span attributes the node writes on each hop of a book change (docs/PROTOCOL.md). One place, so a rename
/// on the node's side is a one-line change here.
/// </summary>
public static class GossipAttributes
{
    public const string MessageUuid = "gossip.message.uuid";
    public const string Origin = "gossip.origin";
    public const string Version = "gossip.version";
    public const string Ttl = "gossip.ttl";
    public const string Hop = "gossip.hop";
    public const string Duplicate = "gossip.duplicate";
    public const string Book = "gossip.book";
    public const string Node = "gossip.node";

    public const string Prefix = "gossip.";

    /// <summary>Reads a whole number whether the exporter sent it as an int, a double or a string.</summary>
    public static long? AsLong(object? value) => value switch
    {
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9.0e15 => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static bool AsBool(object? value) => value switch
    {
        bool b => b,
        string s => bool.TryParse(s, out var parsed) && parsed,
        long l => l != 0,
        _ => false,
    };
}
