using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orchestration;

namespace Aspire.Hosting.Dashboard;

/// <summary>
/// The dashboard, run by the host itself as Aspire runs it: a hidden resource named <c>aspire-dashboard</c>,
/// started before the others and stopped after them, left out of the resource service and the resource
/// table, wired to the AppHost's resource service and given the keys its callers present.
/// </summary>
internal sealed class DashboardResource(string command, string workingDirectory) : ExecutableResource(ResourceName, command, workingDirectory)
{
    public const string ResourceName = "aspire-dashboard";
    public const string FrontendEndpointName = "http";
    public const string OtlpGrpcEndpointName = "otlp-grpc";
    public const string OtlpHttpEndpointName = "otlp-http";

    public static DashboardResource Add(IDistributedApplicationBuilder builder, DashboardSettings settings, string applicationName, Func<string> resourceServiceUrl)
    {
        var isAssembly = settings.DashboardPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var resource = new DashboardResource(isAssembly ? DotnetMuxer.Path : settings.DashboardPath, Path.GetDirectoryName(settings.DashboardPath)!);
        var dashboard = builder.AddResource(resource)
            .WithHttpEndpoint(port: settings.FrontendPort, name: FrontendEndpointName)
            .WithHttpEndpoint(port: settings.OtlpGrpcPort, name: OtlpGrpcEndpointName)
            .WithHttpEndpoint(port: settings.OtlpHttpPort, name: OtlpHttpEndpointName)
            .WithHttpHealthCheck("/health", endpointName: FrontendEndpointName)
            .WithEnvironment("ASPNETCORE_URLS", dashboard => dashboard.GetEndpoint(FrontendEndpointName))
            .WithEnvironment("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", dashboard => dashboard.GetEndpoint(OtlpGrpcEndpointName))
            .WithEnvironment("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", dashboard => dashboard.GetEndpoint(OtlpHttpEndpointName))
            .WithEnvironment("Dashboard__ApplicationName", applicationName)
            .WithEnvironment("Dashboard__Frontend__AuthMode", "BrowserToken")
            .WithEnvironment("Dashboard__Frontend__BrowserToken", settings.BrowserToken)
            .WithEnvironment("Dashboard__Otlp__AuthMode", "ApiKey")
            .WithEnvironment("Dashboard__Otlp__PrimaryApiKey", settings.OtlpApiKey)
            .WithEnvironment("DOTNET_RESOURCE_SERVICE_ENDPOINT_URL", resourceServiceUrl)
            .WithEnvironment("Dashboard__ResourceServiceClient__AuthMode", "ApiKey")
            .WithEnvironment("Dashboard__ResourceServiceClient__ApiKey", settings.ResourceServiceApiKey);
        if (isAssembly)
        {
            dashboard.WithArgs(settings.DashboardPath);
        }

        return resource;
    }
}

file static class DashboardEnvironmentExtensions
{
    public static IResourceBuilder<DashboardResource> WithEnvironment(
        this IResourceBuilder<DashboardResource> builder,
        string name,
        Func<IResourceBuilder<DashboardResource>, EndpointReference> endpoint) =>
        builder.WithEnvironment(name, endpoint(builder));
}
