using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.Orchestration;

/// <summary>The start, stop and restart commands every process resource offers, and when each is available.</summary>
internal static class ResourceCommands
{
    public static void AddLifecycleCommands(IResource resource)
    {
        if (resource.Annotations.OfType<ResourceCommandAnnotation>().Any(c => c.Name == KnownResourceCommands.StartCommand))
        {
            return;
        }

        resource.Annotations.Add(new ResourceCommandAnnotation(
            KnownResourceCommands.StartCommand,
            "Start",
            context => KnownResourceStates.IsTerminal(context.ResourceSnapshot.State?.Text) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            context => Orchestrator(context).StartResourceAsync(context.ResourceName, context.CancellationToken),
            iconName: "Play"));
        resource.Annotations.Add(new ResourceCommandAnnotation(
            KnownResourceCommands.StopCommand,
            "Stop",
            context => context.ResourceSnapshot.State?.Text is KnownResourceStates.Running or KnownResourceStates.Starting
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
            context => Orchestrator(context).StopResourceAsync(context.ResourceName, context.CancellationToken),
            iconName: "Stop"));
        resource.Annotations.Add(new ResourceCommandAnnotation(
            KnownResourceCommands.RestartCommand,
            "Restart",
            context => context.ResourceSnapshot.State?.Text is KnownResourceStates.Running || KnownResourceStates.IsTerminal(context.ResourceSnapshot.State?.Text)
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
            context => Orchestrator(context).RestartResourceAsync(context.ResourceName, context.CancellationToken),
            iconName: "ArrowCounterclockwise"));
    }

    private static ApplicationOrchestrator Orchestrator(ExecuteCommandContext context) =>
        context.ServiceProvider.GetRequiredService<ApplicationOrchestrator>();
}
