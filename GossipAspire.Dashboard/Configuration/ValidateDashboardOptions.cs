using System.Net;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Configuration;

/// <summary>Checks the whole configuration at start and reports every problem at once.</summary>
public sealed class ValidateDashboardOptions : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();

        ValidateAuthMode<FrontendAuthMode>(options.Frontend.AuthMode, "Dashboard:Frontend:AuthMode", errors);
        ValidateAuthMode<OtlpAuthMode>(options.Otlp.AuthMode, "Dashboard:Otlp:AuthMode", errors);
        ValidateAuthMode<ResourceClientAuthMode>(options.ResourceServiceClient.AuthMode, "Dashboard:ResourceServiceClient:AuthMode", errors);

        var frontend = ParseListenUrls(options.Frontend.EndpointUrls, DashboardConfigurationNames.FrontendUrls, errors);
        var grpc = ParseListenUrls(options.Otlp.GrpcEndpointUrl, DashboardConfigurationNames.OtlpGrpcUrl, errors);
        var http = ParseListenUrls(options.Otlp.HttpEndpointUrl, DashboardConfigurationNames.OtlpHttpUrl, errors);
        var ports = frontend.Select(u => (u.Port, DashboardConfigurationNames.FrontendUrls))
            .Concat(grpc.Select(u => (u.Port, DashboardConfigurationNames.OtlpGrpcUrl)))
            .Concat(http.Select(u => (u.Port, DashboardConfigurationNames.OtlpHttpUrl)))
            .Where(p => p.Port != 0);
        foreach (var clash in ports.GroupBy(p => p.Port).Where(g => g.Select(p => p.Item2).Distinct().Count() > 1))
        {
            errors.Add($"Port {clash.Key} is used by more than one of {string.Join(", ", clash.Select(p => p.Item2).Distinct())}; each endpoint needs its own port.");
        }

        if (options.Otlp.ParsedAuthMode == OtlpAuthMode.ApiKey && string.IsNullOrEmpty(options.Otlp.PrimaryApiKey))
        {
            errors.Add("Dashboard:Otlp:AuthMode is ApiKey but Dashboard:Otlp:PrimaryApiKey is empty.");
        }

        if (options.Otlp.MaxRequestBodySize < 1024)
        {
            errors.Add($"Dashboard:Otlp:MaxRequestBodySize must be at least 1024 bytes (got {options.Otlp.MaxRequestBodySize}).");
        }

        var resources = options.ResourceServiceClient;
        if (!string.IsNullOrEmpty(resources.Url) && !IsHttpUrl(resources.Url))
        {
            errors.Add($"{DashboardConfigurationNames.ResourceServiceUrl} (Dashboard:ResourceServiceClient:Url) must be an absolute http:// or https:// URL (got '{resources.Url}').");
        }

        if (resources.ParsedAuthMode == ResourceClientAuthMode.ApiKey && string.IsNullOrEmpty(resources.ApiKey))
        {
            errors.Add("Dashboard:ResourceServiceClient:AuthMode is ApiKey but Dashboard:ResourceServiceClient:ApiKey is empty.");
        }

        var limits = options.TelemetryLimits;
        RequirePositive(limits.MaxTraceCount, "MaxTraceCount", errors);
        RequirePositive(limits.MaxLogCount, "MaxLogCount", errors);
        RequirePositive(limits.MaxMetricsCount, "MaxMetricsCount", errors);
        RequirePositive(limits.MaxSeriesPerInstrument, "MaxSeriesPerInstrument", errors);
        RequirePositive(limits.MaxAttributeCount, "MaxAttributeCount", errors);
        RequirePositive(limits.MaxAttributeLength, "MaxAttributeLength", errors);
        RequirePositive(limits.MaxSpanEventCount, "MaxSpanEventCount", errors);
        RequirePositive(limits.MaxSpanCount, "MaxSpanCount", errors);
        RequirePositive(limits.MaxSpansPerTrace, "MaxSpansPerTrace", errors);
        if (limits.NotificationThrottleMilliseconds < 0)
        {
            errors.Add($"Dashboard:TelemetryLimits:NotificationThrottleMilliseconds must not be negative (got {limits.NotificationThrottleMilliseconds}).");
        }

        var gossip = options.Gossip;
        foreach (var node in gossip.Nodes.Where(n => !IsHttpUrl(n)))
        {
            errors.Add($"Dashboard:Gossip:Nodes has '{node}', which is not an absolute http:// URL.");
        }

        if (gossip.PollIntervalMilliseconds < 100)
        {
            errors.Add($"Dashboard:Gossip:PollIntervalMilliseconds must be at least 100 (got {gossip.PollIntervalMilliseconds}).");
        }

        if (gossip.RequestTimeoutMilliseconds <= 0)
        {
            errors.Add($"Dashboard:Gossip:RequestTimeoutMilliseconds must be positive (got {gossip.RequestTimeoutMilliseconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Splits a <c>;</c>-separated URL list and checks each is plain http on a loopback host: the dashboard shows
    /// every process's environment and accepts commands, so it never listens beyond this machine.
    /// </summary>
    public static List<Uri> ParseListenUrls(string? value, string settingName, List<string> errors)
    {
        var result = new List<Uri>();
        foreach (var part in (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                errors.Add($"{settingName} has '{part}', which is not an absolute http:// URL (https needs a certificate the dashboard does not manage).");
                continue;
            }

            if (!IsLoopback(uri.Host))
            {
                errors.Add($"{settingName} has '{part}': the dashboard binds to localhost / 127.0.0.1 / [::1] only.");
                continue;
            }

            result.Add(uri);
        }

        if (result.Count == 0 && !errors.Any(e => e.StartsWith(settingName, StringComparison.Ordinal)))
        {
            errors.Add($"{settingName} is empty.");
        }

        return result;
    }

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void ValidateAuthMode<TMode>(string? value, string settingName, List<string> errors) where TMode : struct, Enum
    {
        if (!string.IsNullOrEmpty(value) && !Enum.TryParse<TMode>(value, ignoreCase: true, out _))
        {
            errors.Add($"{settingName} is '{value}'; expected one of {string.Join(", ", Enum.GetNames<TMode>())}.");
        }
    }

    private static void RequirePositive(int value, string name, List<string> errors)
    {
        if (value <= 0)
        {
            errors.Add($"Dashboard:TelemetryLimits:{name} must be positive (got {value}).");
        }
    }
}
