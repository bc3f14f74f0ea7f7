using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Peers that take every request and answer it as a node with nothing to add would: for tests of one node's HTTP
/// surface, where what the node sends is beside the point but a peer it cannot reach would be dropped (a peer that
/// has never answered is dropped at its first failed request).
/// </summary>
public sealed class AnsweringTransport : IGossipTransport
{
    private static readonly byte[] s_emptyDigestReply = """{"messages":[],"wants":[]}"""u8.ToArray();

    public Task<IReadOnlyList<string>> JoinAsync(string seed, string self, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task SendAsync(string peer, byte[] envelope, GossipHeaders headers, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<byte[]> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken) => Task.FromResult(s_emptyDigestReply);
}
