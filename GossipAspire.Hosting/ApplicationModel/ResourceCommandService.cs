using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Runs the commands resources offer (<see cref="KnownResourceCommands"/>): start, stop, restart.</summary>
public sealed partial class ResourceCommandService(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    IServiceProvider services,
    ILogger<ResourceCommandService> logger)
{
    /// <summary>Runs a command. An unknown resource or command, or one not available in the current state, fails at once.</summary>
    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resourceId, string commandName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resourceId);
        var resource = model.Find(resourceId);
        return resource is null
            ? Task.FromResult(CommandResults.Failure(model.UnknownResourceMessage(resourceId)))
            : ExecuteCommandAsync(resource, commandName, cancellationToken);
    }

    public async Task<ExecuteCommandResult> ExecuteCommandAsync(IResource resource, string commandName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(commandName);
        var name = KnownResourceCommands.Normalize(commandName);
        var commands = resource.Annotations.OfType<ResourceCommandAnnotation>().ToArray();
        var command = commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        if (command is null)
        {
            var offered = commands.Length == 0 ? "none" : string.Join(", ", commands.Select(c => c.Name));
            return CommandResults.Failure($"Resource '{resource.Name}' has no command '{commandName}'. Its commands: {offered}.");
        }

        if (notifications.TryGetCurrentState(resource.Name, out var current)
            && command.UpdateState(new UpdateCommandStateContext(current.Snapshot, services)) != ResourceCommandState.Enabled)
        {
            return CommandResults.Failure($"Command '{command.Name}' is not available while resource '{resource.Name}' is {current.Snapshot.State?.Text}.");
        }

        LogExecuting(logger, command.Name, resource.Name);
        try
        {
            var result = await command.ExecuteCommand(new ExecuteCommandContext(resource.Name, services, cancellationToken));
            LogExecuted(logger, command.Name, resource.Name, result.ToString());
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CommandResults.Canceled();
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, command.Name, resource.Name);
            return CommandResults.Failure(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running command {Command} on {ResourceName}")]
    private static partial void LogExecuting(ILogger logger, string command, string resourceName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Command} on {ResourceName}: {Result}")]
    private static partial void LogExecuted(ILogger logger, string command, string resourceName, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Command} on {ResourceName} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string command, string resourceName);
}
