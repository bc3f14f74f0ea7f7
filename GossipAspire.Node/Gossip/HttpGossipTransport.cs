using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// Node-to-node HTTP. One pooled <see cref="HttpClient"/>; no trace headers go out, because the change's trace
/// travels in the payload and a second, HTTP-shaped trace per hop would only bury it.
/// </summary>
public sealed class HttpGossipTransport : IGossipTransport, IDisposable
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the engine bounds every request with its own token
    };

    public async Task<IReadOnlyList<string>> JoinAsync(string seed, string self, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(PeerId.BaseAddress(seed), $"peers/{Uri.EscapeDataString(self)}"));
        request.Options.Set(GossipHttp.NodeToNode, true);
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        var peers = new List<string>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            var text = element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString();
            if (PeerId.TryNormalize(text, out var id))
            {
                peers.Add(id);
            }
        }

        return peers;
    }

    public async Task SendAsync(string peer, byte[] envelope, GossipHeaders headers, CancellationToken cancellationToken)
    {
        // The gem's exact path: it serves POST /gossip only, and POST /gossip/ is a 404 there (ours take both).
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(PeerId.BaseAddress(peer), "gossip"))
        {
            Content = new ByteArrayContent(envelope) { Headers = { ContentType = s_json } },
        };
        request.Options.Set(GossipHttp.NodeToNode, true);
        if (headers.Covered is { Count: > 0 } covered)
        {
            request.Headers.TryAddWithoutValidation(Wire.CoveredHeader, Wire.FormatCovered(covered));
        }

        if (headers.WorldHash is { } hash)
        {
            request.Headers.TryAddWithoutValidation(Wire.WorldHashHeader, hash.ToString("x16", CultureInfo.InvariantCulture));
        }

        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        // The gem's rule: an answer other than {"status":"OK"} is a failure.
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (answer.AsSpan().IndexOf("\"OK\""u8) < 0)
        {
            throw new HttpRequestException($"peer {peer} did not answer OK");
        }
    }

    public async Task<byte[]> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(PeerId.BaseAddress(peer), "digest/"))
        {
            Content = new ByteArrayContent(digest) { Headers = { ContentType = s_json } },
        };
        request.Options.Set(GossipHttp.NodeToNode, true);
        using var response = await _client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Marks node-to-node traffic so the HTTP instrumentation leaves it out of traces.</summary>
public static class GossipHttp
{
    public static readonly HttpRequestOptionsKey<bool> NodeToNode = new("GossipAspire.NodeToNode");

    /// <summary>
    /// Server paths left out of traces: what nodes call on each other (the gossip spans already tell it) and what
    /// tools poll (the dashboard reads every node's /state/ each second; ten one-span traces a second would bury
    /// the book changes).
    /// </summary>
    public static bool IsUntracedPath(string? path) =>
        path is not null
        && (path.StartsWith("/gossip", StringComparison.Ordinal)
            || path.StartsWith("/digest", StringComparison.Ordinal)
            || path.StartsWith("/peers", StringComparison.Ordinal)
            || path.StartsWith("/state", StringComparison.Ordinal)
            || path.StartsWith("/history", StringComparison.Ordinal));

}
