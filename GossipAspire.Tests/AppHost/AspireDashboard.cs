using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The real Aspire dashboard of a running AppHost, as a test reads it: its address, and its telemetry HTTP API
/// (<c>GET /api/telemetry/traces</c>, OTLP/JSON) with the API key the test gave the AppHost
/// (<see cref="GossipAppHost.DashboardApiKey"/>).
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    private readonly HttpClient _api;

    private AspireDashboard(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        _api = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(15),
        };
        _api.DefaultRequestHeaders.Add("x-api-key", GossipAppHost.DashboardApiKey);
    }

    /// <summary>The dashboard's frontend, e.g. <c>http://localhost:18888/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The link the AppHost prints for a developer: the frontend with the browser token.</summary>
    public Uri LoginUrl => new(BaseAddress, $"/login?t={GossipAppHost.BrowserToken}");

    /// <summary>Waits for the dashboard to be healthy and returns it.</summary>
    public static async Task<AspireDashboard> ConnectAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var url = await app.GetDashboardUrlAsync(cancellationToken);
        return new AspireDashboard(new Uri(url.GetLeftPart(UriPartial.Authority) + "/"));
    }

    /// <summary>
    /// The spans of the trace whose "gossip pick" span is the pick of <paramref name="version"/> at origin
    /// <paramref name="originId"/>, among the newest traces; empty while the dashboard does not hold it yet.
    /// </summary>
    public async Task<IReadOnlyList<TraceSpan>> FindPickTraceAsync(string originId, long version, CancellationToken cancellationToken)
    {
        var recent = await GetSpansAsync("/api/telemetry/traces?limit=200", cancellationToken);
        var pick = recent.FirstOrDefault(s => s.Name == "gossip pick"
            && s.Attribute("gossip.origin") == originId
            && s.Attribute("gossip.version") == version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return pick is null ? [] : await GetSpansAsync($"/api/telemetry/traces/{pick.TraceId}", cancellationToken);
    }

    /// <summary>Every span of an OTLP/JSON answer, each with the service name of its resource.</summary>
    public async Task<IReadOnlyList<TraceSpan>> GetSpansAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _api.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} on the dashboard answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        var spans = new List<TraceSpan>();
        foreach (var resourceSpans in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.TryGetProperty("resource", out var resource) ? Attributes(resource).GetValueOrDefault("service.name") : null;
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new TraceSpan(
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } parentId ? parentId : null,
                        span.GetProperty("name").GetString()!,
                        service ?? "",
                        Attributes(span)));
                }
            }
        }

        return spans;
    }

    public void Dispose() => _api.Dispose();

    /// <summary>OTLP/JSON attributes as text, whatever their value type.</summary>
    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (owner.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value").EnumerateObject().FirstOrDefault();
                attributes[attribute.GetProperty("key").GetString()!] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText();
            }
        }

        return attributes;
    }
}

/// <summary>One span as the dashboard's telemetry API returns it.</summary>
internal sealed record TraceSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, string Service, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);
}
