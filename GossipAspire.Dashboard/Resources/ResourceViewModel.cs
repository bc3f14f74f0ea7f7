using GossipAspire.Resources.V1;

namespace GossipAspire.Dashboard.Resources;

/// <summary>A resource as the pages and the API show it, whether the AppHost sent it or telemetry implied it.</summary>
public sealed record ResourceViewModel
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required string ResourceType { get; init; }

    public required string State { get; init; }

    public string StateStyle { get; init; } = "";

    public string HealthStatus { get; init; } = "";

    public DateTime? CreatedAt { get; init; }

    public DateTime? StartedAt { get; init; }

    public DateTime? StoppedAt { get; init; }

    public int? ExitCode { get; init; }

    public int? Pid { get; init; }

    public int RestartCount { get; init; }

    public IReadOnlyList<ResourceUrl> Urls { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public IReadOnlyList<ResourceCommandViewModel> Commands { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; init; } = [];

    /// <summary>"ResourceService" when the AppHost sent it, "Telemetry" when derived from service.name.</summary>
    public required string Source { get; init; }

    public string? HttpUrl => Urls.FirstOrDefault(u => u.EndpointName == "http" && !u.IsInternal)?.FullUrl
        ?? Urls.FirstOrDefault(u => u.FullUrl.StartsWith("http://", StringComparison.Ordinal) && !u.IsInternal)?.FullUrl;

    internal static ResourceViewModel FromProto(Resource resource) => new()
    {
        Name = resource.Name,
        DisplayName = string.IsNullOrEmpty(resource.DisplayName) ? resource.Name : resource.DisplayName,
        ResourceType = resource.ResourceType,
        State = resource.State,
        StateStyle = resource.StateStyle,
        HealthStatus = resource.HealthStatus,
        CreatedAt = resource.CreatedAt?.ToDateTime(),
        StartedAt = resource.StartedAt?.ToDateTime(),
        StoppedAt = resource.StoppedAt?.ToDateTime(),
        ExitCode = resource.HasExitCode ? resource.ExitCode : null,
        Pid = resource.HasPid ? resource.Pid : null,
        RestartCount = resource.RestartCount,
        Urls = [.. resource.Urls.Select(u => new ResourceUrl(u.EndpointName, u.FullUrl, u.IsInternal))],
        Environment = [.. resource.Environment.Select(e => KeyValuePair.Create(e.Name, e.Value))],
        Commands = [.. resource.Commands.Select(c => new ResourceCommandViewModel(c.Name, string.IsNullOrEmpty(c.DisplayName) ? c.Name : c.DisplayName, c.IconName, c.Enabled))],
        Properties = [.. resource.Properties.Select(p => KeyValuePair.Create(string.IsNullOrEmpty(p.DisplayName) ? p.Name : p.DisplayName, p.IsSensitive ? "••••••" : p.Value))],
        Source = "ResourceService",
    };
}

public sealed record ResourceUrl(string EndpointName, string FullUrl, bool IsInternal);

public sealed record ResourceCommandViewModel(string Name, string DisplayName, string IconName, bool Enabled);

public sealed record ConsoleLine(int LineNumber, string Text, bool IsStdErr, DateTime? Timestamp);

public sealed record CommandResult(bool Succeeded, string? ErrorMessage);
