using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Configuration;

/// <summary>
/// Fills what the <c>Dashboard</c> section leaves open from the Aspire environment names and the defaults,
/// and generates a browser token when BrowserToken auth has none (as the Aspire dashboard does standalone).
/// </summary>
public sealed class ConfigureDashboardOptions(IConfiguration configuration) : IPostConfigureOptions<DashboardOptions>
{
    public void PostConfigure(string? name, DashboardOptions options)
    {
        options.Frontend.EndpointUrls ??= configuration[DashboardConfigurationNames.FrontendUrls]
            ?? configuration["urls"]
            ?? DashboardConfigurationNames.DefaultFrontendUrl;
        options.Otlp.GrpcEndpointUrl ??= configuration[DashboardConfigurationNames.OtlpGrpcUrl]
            ?? configuration[DashboardConfigurationNames.LegacyOtlpGrpcUrl]
            ?? DashboardConfigurationNames.DefaultOtlpGrpcUrl;
        options.Otlp.HttpEndpointUrl ??= configuration[DashboardConfigurationNames.OtlpHttpUrl]
            ?? configuration[DashboardConfigurationNames.LegacyOtlpHttpUrl]
            ?? DashboardConfigurationNames.DefaultOtlpHttpUrl;
        options.ResourceServiceClient.Url ??= configuration[DashboardConfigurationNames.ResourceServiceUrl];

        if (options.Frontend.ParsedAuthMode == FrontendAuthMode.BrowserToken && string.IsNullOrEmpty(options.Frontend.BrowserToken))
        {
            options.Frontend.BrowserToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            options.Frontend.BrowserTokenGenerated = true;
        }
    }
}
