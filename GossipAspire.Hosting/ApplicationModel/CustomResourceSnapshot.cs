using System.Collections.Immutable;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Everything known about one resource at one moment; each change publishes a new snapshot.</summary>
public sealed record CustomResourceSnapshot
{
    public required string ResourceType { get; init; }

    public ResourceStateSnapshot? State { get; init; }

    /// <summary>Null while unknown (not running, or no check has answered yet).</summary>
    public HealthStatus? HealthStatus { get; init; }

    public DateTime? CreationTimeStamp { get; init; }

    public DateTime? StartTimeStamp { get; init; }

    public DateTime? StopTimeStamp { get; init; }

    public int? ExitCode { get; init; }

    public int? Pid { get; init; }

    /// <summary>Run by the host but not listed (the dashboard itself).</summary>
    public bool IsHidden { get; init; }

    /// <summary>How many times the resource was started after its first start.</summary>
    public int RestartCount { get; init; }

    public ImmutableArray<UrlSnapshot> Urls { get; init; } = [];

    public ImmutableArray<EnvironmentVariableSnapshot> EnvironmentVariables { get; init; } = [];

    public ImmutableArray<ResourcePropertySnapshot> Properties { get; init; } = [];

    public ImmutableArray<ResourceCommandSnapshot> Commands { get; init; } = [];
}

/// <summary>A state name and how to colour it.</summary>
public sealed record ResourceStateSnapshot(string Text, string? Style)
{
    public static implicit operator ResourceStateSnapshot?(string? text) => text is null ? null : new(text, KnownResourceStateStyles.For(text));
}

public sealed record UrlSnapshot(string Name, string Url, bool IsInternal);

public sealed record EnvironmentVariableSnapshot(string Name, string? Value, bool IsFromSpec);

public sealed record ResourcePropertySnapshot(string Name, string DisplayName, object? Value, bool IsSensitive = false);

public sealed record ResourceCommandSnapshot(string Name, ResourceCommandState State, string DisplayName, string? IconName);

/// <summary>A resource and its newest snapshot.</summary>
public sealed record ResourceEvent(IResource Resource, string ResourceId, CustomResourceSnapshot Snapshot);
