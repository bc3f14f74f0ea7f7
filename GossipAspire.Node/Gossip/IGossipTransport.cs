namespace GossipAspire.Node.Gossip;

/// <summary>
/// Moves bytes between nodes. The engine builds and counts the bodies; a transport only delivers them and
/// throws when a peer cannot be reached or answers with an error.
/// </summary>
public interface IGossipTransport
{
    /// <summary><c>GET /peers/{self}</c> on the seed: joins it and returns the peers it knows.</summary>
    Task<IReadOnlyList<string>> JoinAsync(string seed, string self, CancellationToken cancellationToken);

    /// <summary><c>POST /gossip</c> with an envelope (the gem's exact path).</summary>
    Task SendAsync(string peer, byte[] envelope, GossipHeaders headers, CancellationToken cancellationToken);

    /// <summary>
    /// <c>POST /digest/</c>: sends a digest and returns the answer's body. A peer that does not serve it (a gem) is an
    /// <see cref="HttpRequestException"/> with <see cref="HttpRequestException.StatusCode"/> 404.
    /// </summary>
    Task<byte[]> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken);
}
