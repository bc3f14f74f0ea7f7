using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace GossipAspire.Lab.Nodes;

/// <summary>The answer of one read of a node: the value, or why there is none.</summary>
public readonly record struct NodeRead<T>(T? Value, string? Error, HttpStatusCode? Status) where T : class;

/// <summary>
/// Reads a node's <c>GET /state/</c> and <c>GET /history/</c>. Each request has its own timeout. These reads
/// are the Lab's own work, not the application's, and stay out of every trace:
/// <list type="bullet">
/// <item>its handler has no trace-header propagator, so .NET's HTTP diagnostics handler is left out and no
/// client span is made for a read (nothing for the Lab's OpenTelemetry to export);</item>
/// <item>each request carries a <c>traceparent</c> whose sampled flag is off, so the node's parent-based
/// sampler records no server span for it either.</item>
/// </list>
/// Without both, every poll would be a trace of its own, ten or more a second, and the Aspire dashboard's trace
/// list would hold polls instead of gossip.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public NodeClient(TimeSpan requestTimeout, HttpMessageHandler? handler = null)
    {
        _timeout = requestTimeout;
        _http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public static SocketsHttpHandler CreateHandler() => new()
    {
        ActivityHeadersPropagator = null,
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A W3C trace context with the sampled flag off (the last field, 00).</summary>
    public static string NotSampledTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00";

    public async Task<NodeRead<StateDocument>> GetStateAsync(string url, CancellationToken cancellationToken)
    {
        var (root, error, status) = await GetJsonAsync($"{url}/state/", cancellationToken);
        if (root is null)
        {
            return new(null, error, status);
        }

        using (root)
        {
            try
            {
                return new(ParseState(root.RootElement), null, status);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
            {
                return new(null, $"not a /state/ document: {ex.Message}", status);
            }
        }
    }

    public async Task<HistoryResult> GetHistoryAsync(string url, long after, int limit, CancellationToken cancellationToken)
    {
        var (root, error, status) = await GetJsonAsync(
            string.Create(CultureInfo.InvariantCulture, $"{url}/history/?after={after}&limit={limit}"), cancellationToken);
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return HistoryResult.Unsupported;
        }

        if (root is null)
        {
            return new(null, false, error);
        }

        using (root)
        {
            try
            {
                return new(ParseHistory(root.RootElement), false, null);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
            {
                return new(null, false, $"not a /history/ document: {ex.Message}");
            }
        }
    }

    private async Task<(JsonDocument? Root, string? Error, HttpStatusCode? Status)> GetJsonAsync(string requestUrl, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, requestUrl);
            request.Headers.TryAddWithoutValidation("traceparent", NotSampledTraceParent());
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP {(int)response.StatusCode}", response.StatusCode);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            return (await JsonDocument.ParseAsync(stream, cancellationToken: timeout.Token), null, response.StatusCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {_timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms", null);
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused" : ex.Message, null);
        }
        catch (JsonException ex)
        {
            return (null, $"not JSON: {ex.Message}", null);
        }
    }

    /// <summary>Reads a <c>/state/</c> document; only <c>id</c> and <c>version</c> are required.</summary>
    public static StateDocument ParseState(JsonElement root)
    {
        var world = new Dictionary<string, WorldEntry>(StringComparer.Ordinal);
        if (root.TryGetProperty("world", out var worldElement) && worldElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var origin in worldElement.EnumerateObject())
            {
                if (origin.Value.ValueKind == JsonValueKind.Object && Long(origin.Value, "version") is { } version)
                {
                    world[origin.Name] = new WorldEntry(version, String(origin.Value, "book") ?? "", Time(origin.Value, "picked_at"), Time(origin.Value, "received_at"));
                }
            }
        }

        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        if (root.TryGetProperty("stats", out var statsElement) && statsElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var stat in statsElement.EnumerateObject())
            {
                if (stat.Value.ValueKind == JsonValueKind.Number && stat.Value.TryGetInt64(out var value))
                {
                    stats[stat.Name] = value;
                }
            }
        }

        var peers = root.TryGetProperty("peers", out var peersElement) && peersElement.ValueKind == JsonValueKind.Array
            ? peersElement.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).Where(p => p.Length > 0).ToList()
            : [];

        return new StateDocument(
            String(root, "id") ?? throw new FormatException("it has no id"),
            Long(root, "version") ?? throw new FormatException("it has no version"),
            String(root, "book") ?? "",
            peers,
            world,
            stats,
            Time(root, "started_at"));
    }

    /// <summary>Reads a <c>/history/</c> answer; events without <c>seq</c>, <c>origin</c> or <c>version</c> are skipped.</summary>
    public static HistoryPage ParseHistory(JsonElement root)
    {
        var events = new List<HistoryEvent>();
        if (root.TryGetProperty("events", out var eventsElement) && eventsElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in eventsElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || Long(e, "seq") is not { } seq || String(e, "origin") is not { } origin || Long(e, "version") is not { } version)
                {
                    continue;
                }

                events.Add(new HistoryEvent(
                    seq,
                    origin,
                    version,
                    String(e, "book"),
                    Time(e, "picked_at"),
                    Time(e, "received_at"),
                    String(e, "uuid"),
                    String(e, "from"),
                    Long(e, "hop") is { } hop and >= 0 and <= int.MaxValue ? (int)hop : null,
                    String(e, "trace_id") is { Length: 32 } traceId && traceId.All(char.IsAsciiHexDigit) ? traceId.ToLowerInvariant() : null,
                    Long(e, "duplicates") is { } duplicates and > 0 and <= int.MaxValue ? (int)duplicates : 0,
                    e.TryGetProperty("repair", out var repair) && repair.ValueKind == JsonValueKind.True));
            }
        }

        var next = Long(root, "next") ?? (events.Count > 0 ? events[^1].Seq : throw new FormatException("it has no next"));
        return new HistoryPage(next, Long(root, "oldest"), Long(root, "evicted") ?? 0, events);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static DateTime? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out var time)
            ? time.ToUniversalTime()
            : null;

    public void Dispose() => _http.Dispose();
}
