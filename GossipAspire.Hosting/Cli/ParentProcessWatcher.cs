using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Cli;

/// <summary>
/// Under <c>dotnet run</c> the AppHost is a child of the SDK's process. Ctrl+C and SIGTERM reach it (the SDK
/// forwards them), but if that process is killed outright the AppHost would be orphaned and keep the cluster
/// running. So when its parent is <c>dotnet run</c>, the AppHost checks every second that its parent is still
/// there, and stops everything when it is not (as Aspire's CLI orphan detector does).
/// </summary>
internal sealed partial class ParentProcessWatcher(IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var parent = GetParentPid();
        if (!IsDotnetRun(parent))
        {
            return;
        }

        using var timer = new PeriodicTimer(s_period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (GetParentPid() != parent)
                {
                    LogParentGone(logger, parent);
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The application is stopping anyway.
        }
    }

    private static bool IsDotnetRun(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return arguments.Length > 1
                && Path.GetFileName(arguments[0]) == "dotnet"
                && arguments.Skip(1).Any(a => a == "run");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int GetParentPid() => GetParentProcessId();

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dotnet run process (pid {Pid}) that started this AppHost is gone; stopping everything")]
    private static partial void LogParentGone(ILogger logger, int pid);
}
