using System.Globalization;

namespace GossipAspire.Node.Gossip;

/// <summary>The id this node announces (its port unless configured).</summary>
public sealed record NodeIdentity(string Id, int Port)
{
    public override string ToString() => Id.ToString(CultureInfo.InvariantCulture);
}
