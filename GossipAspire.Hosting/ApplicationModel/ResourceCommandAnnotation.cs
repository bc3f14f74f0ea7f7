namespace Aspire.Hosting.ApplicationModel;

/// <summary>Whether a command can run now.</summary>
public enum ResourceCommandState
{
    Enabled,
    Disabled,
    Hidden,
}

/// <summary>A command a resource offers (start, stop, restart, ...).</summary>
public sealed class ResourceCommandAnnotation(
    string name,
    string displayName,
    Func<UpdateCommandStateContext, ResourceCommandState> updateState,
    Func<ExecuteCommandContext, Task<ExecuteCommandResult>> executeCommand,
    string? iconName = null) : IResourceAnnotation
{
    public string Name { get; } = name;

    public string DisplayName { get; } = displayName;

    public string? IconName { get; } = iconName;

    public Func<UpdateCommandStateContext, ResourceCommandState> UpdateState { get; } = updateState;

    public Func<ExecuteCommandContext, Task<ExecuteCommandResult>> ExecuteCommand { get; } = executeCommand;
}

public sealed class UpdateCommandStateContext(CustomResourceSnapshot resourceSnapshot, IServiceProvider serviceProvider)
{
    public CustomResourceSnapshot ResourceSnapshot { get; } = resourceSnapshot;

    public IServiceProvider ServiceProvider { get; } = serviceProvider;
}

public sealed class ExecuteCommandContext(string resourceName, IServiceProvider serviceProvider, CancellationToken cancellationToken)
{
    public string ResourceName { get; } = resourceName;

    public IServiceProvider ServiceProvider { get; } = serviceProvider;

    public CancellationToken CancellationToken { get; } = cancellationToken;
}

/// <summary>What running a command came to.</summary>
public sealed class ExecuteCommandResult
{
    public required bool Success { get; init; }

    public bool Canceled { get; init; }

    public string? ErrorMessage { get; init; }

    public override string ToString() => Success ? "Succeeded" : Canceled ? "Canceled" : $"Failed: {ErrorMessage}";
}

/// <summary>Shorthands for <see cref="ExecuteCommandResult"/>.</summary>
public static class CommandResults
{
    public static ExecuteCommandResult Success() => new() { Success = true };

    public static ExecuteCommandResult Failure(string errorMessage) => new() { Success = false, ErrorMessage = errorMessage };

    public static ExecuteCommandResult Canceled() => new() { Success = false, Canceled = true, ErrorMessage = "The command was canceled." };
}
