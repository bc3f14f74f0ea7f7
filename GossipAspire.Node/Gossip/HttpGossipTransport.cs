using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// Node-to-node HTTP. One pooled <see cref="HttpClient"/>; no trace headers go out, because the change's trace
/// travels in the payload and a second, HTTP-shaped trace per hop would only bury it. With a keyring, the join and
/// every digest exchange carry an <c>X-Gossip-Mac</c> header (docs/PROTOCOL.md, section 10).
/// </summary>
public sealed class HttpGossipTransport(Keyring keyring, TimeProvider time) : IGossipTransport, IDisposable
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
        AddMac(request, []);
        using var response = await _client.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
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
        await EnsureSuccessAsync(response, cancellationToken);
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
        AddMac(request, digest);
        using var response = await _client.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The request's MAC, over the path as the receiver reads it (percent-decoded), made just before it goes.</summary>
    private void AddMac(HttpRequestMessage request, byte[] body)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        if (keyring.MacRequest(request.Method.Method, path, time.GetUtcNow().ToUnixTimeSeconds(), body) is { } mac)
        {
            request.Headers.TryAddWithoutValidation(Wire.MacHeader, mac);
        }
    }

    /// <summary>Throws for an error status, with the problem's detail when the peer gave one (a 401 says why).</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? detail = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
                detail = problem.RootElement.TryGetProperty("detail", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
            }
            catch (JsonException)
            {
            }
        }

        var status = (int)response.StatusCode;
        throw new HttpRequestException(
            detail is null ? $"{status} {response.ReasonPhrase}" : $"{status} {response.ReasonPhrase}: {detail}", null, response.StatusCode);
    }
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
