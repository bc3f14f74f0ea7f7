using System.Globalization;
using System.Net.Http.Json;

namespace GossipAspire.Benchmark;

/// <summary>The benchmark's view of one node: its tool API over HTTP (docs/PROTOCOL.md, section 6).</summary>
public sealed class NodeClient(HttpClient http, string id, Uri baseAddress)
{
    /// <summary>A single request that takes longer than this is a failure, not a slow answer.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public string Id { get; } = id;

    public Uri BaseAddress { get; } = baseAddress;

    /// <summary>True when <c>/health</c> answers 200; false for any other answer or none.</summary>
    public async Task<bool> IsHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(new Uri(BaseAddress, "/health"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<NodeState> GetStateAsync(CancellationToken cancellationToken)
    {
        using var cts = Timeout(cancellationToken);
        return await http.GetFromJsonAsync(new Uri(BaseAddress, "/state/"), NodeApiJsonContext.Default.NodeState, cts.Token)
            ?? throw new InvalidOperationException($"node {Id}: /state/ answered null");
    }

    public async Task<PickResult> PickAsync(string? book, CancellationToken cancellationToken)
    {
        using var cts = Timeout(cancellationToken);
        using var response = await http.PostAsJsonAsync(new Uri(BaseAddress, "/pick/"), new PickRequest(book), NodeApiJsonContext.Default.PickRequest, cts.Token);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            throw new HttpRequestException($"node {Id}: POST /pick/ answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync(NodeApiJsonContext.Default.PickResult, cts.Token)
            ?? throw new InvalidOperationException($"node {Id}: /pick/ answered null");
    }

    /// <summary><c>POST /gossip/</c> with this body, as any peer (or stranger) may send it; answers the status code.</summary>
    public async Task<int> PostGossipAsync(byte[] envelope, CancellationToken cancellationToken)
    {
        using var cts = Timeout(cancellationToken);
        using var content = new ByteArrayContent(envelope);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(BaseAddress, "/gossip/"), content, cts.Token);
        return (int)response.StatusCode;
    }

    /// <summary>Every history event after <paramref name="after"/>, following <c>next</c> until a page is empty.</summary>
    public async Task<(IReadOnlyList<HistoryEvent> Events, long Next)> GetHistoryAsync(long after, CancellationToken cancellationToken)
    {
        var events = new List<HistoryEvent>();
        while (true)
        {
            using var cts = Timeout(cancellationToken);
            var uri = new Uri(BaseAddress, string.Create(CultureInfo.InvariantCulture, $"/history/?after={after}"));
            var page = await http.GetFromJsonAsync(uri, NodeApiJsonContext.Default.HistoryPage, cts.Token)
                ?? throw new InvalidOperationException($"node {Id}: /history/ answered null");
            var fresh = page.Events?.Where(e => e.Seq > after).ToList() ?? [];
            if (fresh.Count == 0 || page.Next <= after)
            {
                return (events, Math.Max(after, page.Next));
            }

            events.AddRange(fresh);
            after = page.Next;
        }
    }

    private static CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(RequestTimeout);
        return cts;
    }
}
