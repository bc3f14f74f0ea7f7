using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.Dashboard;

/// <summary>
/// Where the dashboard is and how the AppHost wires it, under the configuration names Aspire uses:
/// <c>ASPIRE_DASHBOARD_PATH</c> (else the AppHost's reference marked IsAspireDashboard), the frontend in
/// <c>ASPNETCORE_URLS</c> (default http://localhost:18888), OTLP in <c>ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL</c>
/// (gRPC, 18889) and <c>ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL</c> (18890), the resource service in
/// <c>DOTNET_RESOURCE_SERVICE_ENDPOINT_URL</c> (default a free port), and the secrets in
/// <c>AppHost:BrowserToken</c>, <c>AppHost:OtlpApiKey</c>, <c>AppHost:ResourceService:ApiKey</c>
/// (default: new random ones each run).
/// </summary>
internal sealed class DashboardSettings
{
    public const string DashboardPathKey = "ASPIRE_DASHBOARD_PATH";
    public const string FrontendUrlsKey = "ASPNETCORE_URLS";
    public const string OtlpGrpcUrlKey = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string OtlpHttpUrlKey = "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";
    public const string ResourceServiceUrlKey = "DOTNET_RESOURCE_SERVICE_ENDPOINT_URL";
    public const string BrowserTokenKey = "AppHost:BrowserToken";
    public const string OtlpApiKeyKey = "AppHost:OtlpApiKey";
    public const string ResourceServiceApiKeyKey = "AppHost:ResourceService:ApiKey";

    public const string DefaultFrontendUrl = "http://localhost:18888";
    public const string DefaultOtlpGrpcUrl = "http://localhost:18889";
    public const string DefaultOtlpHttpUrl = "http://localhost:18890";

    public required string DashboardPath { get; init; }

    public required int FrontendPort { get; init; }

    public required int OtlpGrpcPort { get; init; }

    public required int OtlpHttpPort { get; init; }

    /// <summary>Null: a free port.</summary>
    public required int? ResourceServicePort { get; init; }

    public required string BrowserToken { get; init; }

    public required string OtlpApiKey { get; init; }

    public required string ResourceServiceApiKey { get; init; }

    /// <summary>The dashboard to launch, or null when it is disabled or none is configured.</summary>
    public static DashboardSettings? Create(IConfiguration configuration, DistributedApplicationOptions options, string? pathFromMetadata)
    {
        if (options.DisableDashboard)
        {
            return null;
        }

        var path = configuration[DashboardPathKey] is { Length: > 0 } configured ? configured : pathFromMetadata;
        if (path is null)
        {
            return null;
        }

        var problems = new List<string>();
        if (!File.Exists(path))
        {
            problems.Add($"{DashboardPathKey} (or the AppHost's dashboard reference) is '{path}', which does not exist: build the dashboard, or point at its built .dll or executable.");
        }

        var settings = new DashboardSettings
        {
            DashboardPath = Path.GetFullPath(path),
            FrontendPort = Port(configuration[FrontendUrlsKey], DefaultFrontendUrl, FrontendUrlsKey, problems),
            OtlpGrpcPort = Port(configuration[OtlpGrpcUrlKey], DefaultOtlpGrpcUrl, OtlpGrpcUrlKey, problems),
            OtlpHttpPort = Port(configuration[OtlpHttpUrlKey], DefaultOtlpHttpUrl, OtlpHttpUrlKey, problems),
            ResourceServicePort = configuration[ResourceServiceUrlKey] is { Length: > 0 } url ? Port(url, url, ResourceServiceUrlKey, problems) : null,
            BrowserToken = Secret(configuration[BrowserTokenKey]),
            OtlpApiKey = Secret(configuration[OtlpApiKeyKey]),
            ResourceServiceApiKey = Secret(configuration[ResourceServiceApiKeyKey]),
        };

        return problems.Count == 0 ? settings : throw new DistributedApplicationException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>The port of the first http:// URL of a <c>;</c>-separated list; this host serves no TLS.</summary>
    private static int Port(string? value, string fallback, string key, List<string> problems)
    {
        var urls = (value is { Length: > 0 } ? value : fallback).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !uri.IsDefaultPort && uri.Port > 0)
            {
                return uri.Port;
            }
        }

        problems.Add($"{key} is '{value}': give an http:// URL with a port (https needs certificates this host does not manage).");
        return 0;
    }

    private static string Secret(string? configured) =>
        configured is { Length: > 0 } ? configured : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
