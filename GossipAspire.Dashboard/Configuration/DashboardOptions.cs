namespace GossipAspire.Dashboard.Configuration;

/// <summary>
/// Everything the dashboard reads from configuration, under the names the Aspire dashboard uses
/// (<c>Dashboard:Frontend:*</c>, <c>Dashboard:Otlp:*</c>, <c>Dashboard:TelemetryLimits:*</c>,
/// <c>Dashboard:ResourceServiceClient:*</c>) plus our own <c>Dashboard:Gossip:*</c>. The endpoint URLs come from
/// <c>ASPNETCORE_URLS</c>, <c>ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL</c>, <c>ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL</c>
/// and <c>DOTNET_RESOURCE_SERVICE_ENDPOINT_URL</c>; see <see cref="DashboardConfigurationNames"/>.
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    public string ApplicationName { get; set; } = "GossipAspire";

    public FrontendOptions Frontend { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    public TelemetryLimitOptions TelemetryLimits { get; set; } = new();

    public ResourceServiceClientOptions ResourceServiceClient { get; set; } = new();

    public GossipOptions Gossip { get; set; } = new();
}

public enum FrontendAuthMode
{
    BrowserToken,
    Unsecured,
}

public enum OtlpAuthMode
{
    Unsecured,
    ApiKey,
}

public enum ResourceClientAuthMode
{
    Unsecured,
    ApiKey,
}

public sealed class FrontendOptions
{
    /// <summary>From <c>ASPNETCORE_URLS</c>; several URLs separated by <c>;</c> are allowed.</summary>
    public string? EndpointUrls { get; set; }

    /// <summary><c>BrowserToken</c> (default) or <c>Unsecured</c>; parsed by the validator so a typo is reported, not thrown.</summary>
    public string? AuthMode { get; set; }

    public FrontendAuthMode ParsedAuthMode => Enum.TryParse<FrontendAuthMode>(AuthMode, ignoreCase: true, out var mode) ? mode : FrontendAuthMode.BrowserToken;

    /// <summary>The token <c>/login?t=...</c> expects. Generated at start when BrowserToken has none.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>True when the dashboard made the token up itself (standalone start); it then prints the login URL.</summary>
    public bool BrowserTokenGenerated { get; set; }
}

public sealed class OtlpOptions
{
    /// <summary>OTLP/gRPC, from <c>ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL</c>.</summary>
    public string? GrpcEndpointUrl { get; set; }

    /// <summary>OTLP/HTTP (protobuf and JSON), from <c>ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL</c>.</summary>
    public string? HttpEndpointUrl { get; set; }

    /// <summary><c>Unsecured</c> (default) or <c>ApiKey</c>.</summary>
    public string? AuthMode { get; set; }

    public OtlpAuthMode ParsedAuthMode => Enum.TryParse<OtlpAuthMode>(AuthMode, ignoreCase: true, out var mode) ? mode : OtlpAuthMode.Unsecured;

    /// <summary>Expected in the <c>x-otlp-api-key</c> header when <see cref="AuthMode"/> is ApiKey.</summary>
    public string? PrimaryApiKey { get; set; }

    /// <summary>Also accepted, so a key can be rotated without a gap.</summary>
    public string? SecondaryApiKey { get; set; }

    /// <summary>Largest OTLP request body accepted, in bytes (after decompression); larger ones get 413.</summary>
    public int MaxRequestBodySize { get; set; } = 16 * 1024 * 1024;
}

public sealed class TelemetryLimitOptions
{
    public int MaxTraceCount { get; set; } = 10_000;

    public int MaxLogCount { get; set; } = 10_000;

    /// <summary>Points kept per metric time series (one instrument, one resource, one attribute set).</summary>
    public int MaxMetricsCount { get; set; } = 1_000;

    /// <summary>Attribute sets (series) kept per instrument; points of further sets are refused, so a high-cardinality attribute cannot grow memory without bound.</summary>
    public int MaxSeriesPerInstrument { get; set; } = 1_000;

    public int MaxAttributeCount { get; set; } = 128;

    public int MaxAttributeLength { get; set; } = 8_192;

    public int MaxSpanEventCount { get; set; } = 1_000;

    /// <summary>Spans kept over all traces; the oldest traces go first when it is reached.</summary>
    public int MaxSpanCount { get; set; } = 200_000;

    /// <summary>Spans kept per trace; a runaway trace cannot eat the whole budget.</summary>
    public int MaxSpansPerTrace { get; set; } = 5_000;

    /// <summary>Shortest gap between two change notifications to one subscriber (the UI), in milliseconds.</summary>
    public int NotificationThrottleMilliseconds { get; set; } = 250;
}

public sealed class ResourceServiceClientOptions
{
    /// <summary>From <c>DOTNET_RESOURCE_SERVICE_ENDPOINT_URL</c>; unset means standalone.</summary>
    public string? Url { get; set; }

    /// <summary><c>ApiKey</c> or <c>Unsecured</c>; when unset, ApiKey if a key is given.</summary>
    public string? AuthMode { get; set; }

    public ResourceClientAuthMode ParsedAuthMode => Enum.TryParse<ResourceClientAuthMode>(AuthMode, ignoreCase: true, out var mode)
        ? mode
        : string.IsNullOrEmpty(ApiKey) ? ResourceClientAuthMode.Unsecured : ResourceClientAuthMode.ApiKey;

    /// <summary>Sent as <c>x-resource-service-api-key</c> when <see cref="AuthMode"/> is ApiKey.</summary>
    public string? ApiKey { get; set; }
}

public sealed class GossipOptions
{
    /// <summary>
    /// Node URLs to watch when no resource service names them (standalone). Each is polled at
    /// <c>GET /state/</c>, and the peers each one reports are followed, so one seed finds the whole network.
    /// </summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>Follow the peers each node reports (on by default).</summary>
    public bool CrawlPeers { get; set; } = true;

    public int PollIntervalMilliseconds { get; set; } = 1_000;

    public int RequestTimeoutMilliseconds { get; set; } = 800;
}
