namespace GossipAspire.Dashboard.Configuration;

/// <summary>The environment names the Aspire dashboard reads, kept so Aspire users feel at home.</summary>
public static class DashboardConfigurationNames
{
    public const string FrontendUrls = "ASPNETCORE_URLS";
    public const string OtlpGrpcUrl = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string OtlpHttpUrl = "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";
    // The names Aspire 8 used, still read by later Aspire dashboards as fallbacks.
    public const string LegacyOtlpGrpcUrl = "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string LegacyOtlpHttpUrl = "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";
    public const string ResourceServiceUrl = "DOTNET_RESOURCE_SERVICE_ENDPOINT_URL";

    public const string DefaultFrontendUrl = "http://localhost:18888";
    public const string DefaultOtlpGrpcUrl = "http://localhost:18889";
    public const string DefaultOtlpHttpUrl = "http://localhost:18890";

    public const string OtlpApiKeyHeader = "x-otlp-api-key";
    public const string ResourceServiceApiKeyHeader = "x-resource-service-api-key";
}
