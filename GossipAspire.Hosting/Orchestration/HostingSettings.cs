using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting.Orchestration;

/// <summary>How the terminal shows the resources.</summary>
internal enum ResourceViewMode
{
    /// <summary>Nothing (tests).</summary>
    None,

    /// <summary>One line per change, for a log file or a pipe.</summary>
    Plain,

    /// <summary>A live table redrawn in place, for a terminal.</summary>
    Live,
}

/// <summary>The settings of one application run, decided once when it is built.</summary>
internal sealed class HostingSettings
{
    /// <summary>Aspire's testing switch for "give every endpoint a free port", kept under its name.</summary>
    public const string RandomizePortsKey = "DcpPublisher:RandomizePorts";
    public const string ResourceViewKey = "AppHost:ResourceView";
    public const string GracefulStopTimeoutKey = "AppHost:GracefulStopTimeout";

    /// <summary>Without a dashboard, an OTLP endpoint to send the resources' telemetry to (any collector).</summary>
    public const string OtlpEndpointKey = "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL";
    public const string OtlpApiKeyKey = "AppHost:OtlpApiKey";

    public required string ApplicationName { get; init; }

    public required string DashboardApplicationName { get; init; }

    public required bool IsTesting { get; init; }

    public required bool RandomizePorts { get; init; }

    public required ResourceViewMode ResourceView { get; init; }

    public required TimeSpan GracefulStopTimeout { get; init; }

    public required bool EnableResourceLogging { get; init; }

    /// <summary>The configuration the AppHost was built in; a project given by path is resolved in the same one.</summary>
    public required string BuildConfiguration { get; init; }

    /// <summary>Where the resources send OTLP (gRPC), or null when no telemetry is collected.</summary>
    public string? OtlpEndpointUrl { get; set; }

    public string? OtlpApiKey { get; set; }

    /// <summary>The dashboard's login URL with its browser token, when the host runs a dashboard.</summary>
    public string? DashboardLoginUrl { get; set; }

    public static HostingSettings Create(IConfiguration configuration, DistributedApplicationOptions options, Assembly? appHostAssembly)
    {
        var applicationName = appHostAssembly?.GetName().Name ?? "AppHost";
        var dashboardName = options.DashboardApplicationName
            ?? (applicationName.EndsWith(".AppHost", StringComparison.OrdinalIgnoreCase) ? applicationName[..^".AppHost".Length] : applicationName);

        var view = configuration[ResourceViewKey]?.Trim().ToLowerInvariant() switch
        {
            "live" => ResourceViewMode.Live,
            "plain" => ResourceViewMode.Plain,
            "none" or "off" => ResourceViewMode.None,
            null or "" or "auto" => options.IsTesting ? ResourceViewMode.None : Console.IsOutputRedirected ? ResourceViewMode.Plain : ResourceViewMode.Live,
            var other => throw new DistributedApplicationException($"{ResourceViewKey} is '{other}'; use auto, live, plain or none."),
        };

        var graceful = configuration[GracefulStopTimeoutKey] is { Length: > 0 } text
            ? TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero
                ? parsed
                : throw new DistributedApplicationException($"{GracefulStopTimeoutKey} is '{text}'; use a time span such as 00:00:05.")
            : TimeSpan.FromSeconds(5);

        var otlpEndpoint = configuration[OtlpEndpointKey] is { Length: > 0 } url ? url : null;
        if (otlpEndpoint is not null && !Uri.TryCreate(otlpEndpoint, UriKind.Absolute, out _))
        {
            throw new DistributedApplicationException($"{OtlpEndpointKey} is '{otlpEndpoint}', which is not an absolute URL.");
        }

        return new HostingSettings
        {
            ApplicationName = applicationName,
            DashboardApplicationName = dashboardName,
            IsTesting = options.IsTesting,
            RandomizePorts = configuration.GetValue(RandomizePortsKey, false),
            ResourceView = view,
            GracefulStopTimeout = graceful,
            EnableResourceLogging = options.EnableResourceLogging,
            BuildConfiguration = appHostAssembly?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
            OtlpEndpointUrl = otlpEndpoint,
            OtlpApiKey = configuration[OtlpApiKeyKey] is { Length: > 0 } key ? key : null,
        };
    }
}
