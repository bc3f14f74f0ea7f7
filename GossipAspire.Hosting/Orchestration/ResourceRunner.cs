using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Orchestration;

/// <summary>
/// Runs one process resource through its life: wait for dependencies, launch, watch health and exit, stop,
/// restart. Start, stop and restart are serialized per resource; an exit the host did not ask for is reported
/// as Exited (or Finished with code 0) and the resource stays there until someone starts it again.
/// </summary>
internal sealed partial class ResourceRunner(
    IResource resource,
    ApplicationOrchestrator orchestrator,
    ILogger logger)
{
    /// <summary>Health probes while a process comes up: often, so "healthy" is seen within a tenth of a second.</summary>
    private static readonly TimeSpan s_startupProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_startupProbeWindow = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_unhealthyProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_healthyProbeInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private RunningProcess? _process;
    private CancellationTokenSource? _instanceLifetime;
    private int _launches;

    public IResource Resource { get; } = resource;

    /// <summary>Stable across restarts: the <c>service.instance.id</c> of its telemetry.</summary>
    public string Uid { get; } = $"{resource.Name}-{Guid.NewGuid().ToString("N")[..8]}";

    public int? Pid
    {
        get
        {
            lock (_lock)
            {
                return _process is { HasExited: false } p ? p.Pid : null;
            }
        }
    }

    public async Task<ExecuteCommandResult> StartAsync(bool waitForDependencies, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (orchestrator.IsStopping)
            {
                return CommandResults.Failure("The application is stopping.");
            }

            if (Pid is not null)
            {
                return CommandResults.Failure($"Resource '{Resource.Name}' is already running.");
            }

            if (waitForDependencies && !await WaitForDependenciesAsync(cancellationToken))
            {
                return CommandResults.Failure($"Resource '{Resource.Name}' did not start: a resource it waits for failed.");
            }

            return await LaunchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ExecuteCommandResult> StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await StopCoreAsync(publishExit: true)
                ? CommandResults.Success()
                : CommandResults.Failure($"Resource '{Resource.Name}' is not running.");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<ExecuteCommandResult> RestartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (orchestrator.IsStopping)
            {
                return CommandResults.Failure("The application is stopping.");
            }

            // A restart goes Stopping -> Starting -> Running, never through a terminal state, so nobody waiting
            // for this resource is told it failed.
            await StopCoreAsync(publishExit: false);
            return await LaunchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>For shutdown: stop whatever runs, whatever command is under way (bounded by its own grace period).</summary>
    public async Task ShutdownAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopCoreAsync(publishExit: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Last resort on dispose: SIGKILL to the process group, no waiting.</summary>
    public void Kill()
    {
        lock (_lock)
        {
            _process?.Kill();
        }
    }

    public Task PublishFailedToStartAsync(string reason)
    {
        orchestrator.ResourceLogs.WriteLine(Resource.Name, reason, isError: true);
        LogFailedToStart(logger, Resource.Name, reason);
        return Publish(s => s with
        {
            State = KnownResourceStates.FailedToStart,
            HealthStatus = null,
            Pid = null,
            StopTimeStamp = orchestrator.Now,
        });
    }

    private async Task<bool> WaitForDependenciesAsync(CancellationToken cancellationToken)
    {
        var waits = Resource.Annotations.OfType<WaitAnnotation>().ToArray();
        if (waits.Length == 0)
        {
            return true;
        }

        await Publish(s => s with { State = KnownResourceStates.Waiting });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, orchestrator.Stopping);
        foreach (var wait in waits)
        {
            try
            {
                if (wait.WaitType == WaitType.WaitForCompletion)
                {
                    var reached = await orchestrator.Notifications.WaitForResourceAsync(
                        wait.Resource.Name, KnownResourceStates.TerminalStates, linked.Token);
                    if (reached != KnownResourceStates.Finished)
                    {
                        throw new DistributedApplicationException($"Resource '{wait.Resource.Name}' ended {reached}, not Finished.");
                    }
                }
                else
                {
                    await orchestrator.Notifications.WaitForResourceHealthyAsync(wait.Resource.Name, linked.Token);
                }
            }
            catch (DistributedApplicationException ex)
            {
                await PublishFailedToStartAsync($"Resource '{Resource.Name}' waited for '{wait.Resource.Name}', which failed: {ex.Message}");
                return false;
            }
            catch (OperationCanceledException) when (orchestrator.IsStopping)
            {
                await Publish(s => s with { State = KnownResourceStates.NotStarted });
                return false;
            }
        }

        return true;
    }

    private async Task<ExecuteCommandResult> LaunchAsync(CancellationToken cancellationToken)
    {
        await Publish(s => s with
        {
            State = KnownResourceStates.Starting,
            HealthStatus = null,
            ExitCode = null,
            Pid = null,
            StopTimeStamp = null,
        });

        RunningProcess process;
        ProcessSpec spec;
        try
        {
            spec = await orchestrator.SpecFactory.CreateAsync(Resource, Uid, cancellationToken);
            process = await orchestrator.Launcher.StartAsync(spec, (line, isError) => orchestrator.ResourceLogs.WriteLine(Resource.Name, line, isError));
        }
        catch (Exception ex) when (ex is DistributedApplicationException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await PublishFailedToStartAsync(ex.Message);
            return CommandResults.Failure(ex.Message);
        }

        var lifetime = new CancellationTokenSource();
        int launches;
        lock (_lock)
        {
            _process = process;
            _instanceLifetime = lifetime;
            launches = ++_launches;
        }

        LogStarted(logger, Resource.Name, process.Pid);
        await Publish(s => s with
        {
            State = KnownResourceStates.Running,
            Pid = process.Pid,
            StartTimeStamp = orchestrator.Now,
            RestartCount = launches - 1,
            HealthStatus = Resource.Annotations.OfType<HttpHealthCheckAnnotation>().Any() ? null : HealthStatus.Healthy,
            EnvironmentVariables = [.. spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new EnvironmentVariableSnapshot(e.Key, e.Value, IsFromSpec: true))],
            Properties = Properties(spec, process.Pid),
        });

        // Watch only after Running is published, so an instant exit is reported after it, not before.
        _ = WatchExitAsync(process, lifetime);
        foreach (var check in Resource.Annotations.OfType<HttpHealthCheckAnnotation>().Take(1))
        {
            _ = ProbeHealthAsync(check, lifetime.Token);
        }

        return CommandResults.Success();
    }

    private async Task<bool> StopCoreAsync(bool publishExit)
    {
        RunningProcess? process;
        CancellationTokenSource? lifetime;
        lock (_lock)
        {
            process = _process;
            lifetime = _instanceLifetime;
            if (process is null || process.HasExited)
            {
                return false;
            }

            process.StopRequested = true;
        }

        await Publish(s => s with { State = KnownResourceStates.Stopping, HealthStatus = null });
        lifetime?.Cancel();
        var exitCode = await process.StopAsync(orchestrator.Settings.GracefulStopTimeout, orchestrator.TimeProvider);
        LogStopped(logger, Resource.Name, exitCode);
        lock (_lock)
        {
            _process = null;
        }

        await Publish(s => s with
        {
            State = publishExit ? KnownResourceStates.Exited : s.State,
            ExitCode = exitCode,
            HealthStatus = null,
            Pid = null,
            StopTimeStamp = orchestrator.Now,
        });
        return true;
    }

    private async Task WatchExitAsync(RunningProcess process, CancellationTokenSource lifetime)
    {
        var exitCode = await process.Exited;
        lock (_lock)
        {
            if (process.StopRequested)
            {
                return;
            }
        }

        lifetime.Cancel();
        var state = exitCode == 0 ? KnownResourceStates.Finished : KnownResourceStates.Exited;
        LogExitedOnItsOwn(logger, Resource.Name, exitCode);
        await Publish(s => s with
        {
            State = state,
            ExitCode = exitCode,
            HealthStatus = null,
            Pid = null,
            StopTimeStamp = orchestrator.Now,
        });
    }

    private async Task ProbeHealthAsync(HttpHealthCheckAnnotation check, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(check.Endpoint.Url), check.Path);
        var started = orchestrator.TimeProvider.GetTimestamp();
        HealthStatus? last = null;
        try
        {
            using var timer = new PeriodicTimer(s_startupProbeInterval, orchestrator.TimeProvider);
            do
            {
                var status = await ProbeOnceAsync(url, check.ExpectedStatusCode, cancellationToken);
                if (status != last)
                {
                    last = status;
                    await Publish(s => !cancellationToken.IsCancellationRequested && s.State?.Text == KnownResourceStates.Running ? s with { HealthStatus = status } : s);
                }

                timer.Period = status == HealthStatus.Healthy
                    ? s_healthyProbeInterval
                    : orchestrator.TimeProvider.GetElapsedTime(started) < s_startupProbeWindow ? s_startupProbeInterval : s_unhealthyProbeInterval;
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The process stopped or exited; its health no longer means anything.
        }
    }

    private async Task<HealthStatus> ProbeOnceAsync(Uri url, int expectedStatusCode, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_probeTimeout);
        try
        {
            using var response = await orchestrator.HealthClient.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (int)response.StatusCode == expectedStatusCode ? HealthStatus.Healthy : HealthStatus.Unhealthy;
        }
        catch (HttpRequestException)
        {
            return HealthStatus.Unhealthy;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthStatus.Unhealthy;
        }
    }

    private ImmutableArray<ResourcePropertySnapshot> Properties(ProcessSpec spec, int pid)
    {
        var source = Resource switch
        {
            ProjectResource p => p.Annotations.OfType<IProjectMetadata>().LastOrDefault()?.ProjectPath ?? string.Empty,
            ExecutableResource e => e.Command,
            _ => string.Empty,
        };
        return
        [
            new("resource.uid", "Uid", Uid),
            new("resource.source", Resource is ProjectResource ? "Project" : "Executable", source),
            new("executable.path", "Executable", spec.FileName),
            new("executable.args", "Arguments", string.Join(' ', spec.Arguments)),
            new("executable.workdir", "Working directory", spec.WorkingDirectory),
            new("executable.pid", "Process id", pid),
        ];
    }

    private Task Publish(Func<CustomResourceSnapshot, CustomResourceSnapshot> change) =>
        orchestrator.Notifications.PublishUpdateAsync(Resource, change);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resource {ResourceName} started, pid {Pid}")]
    private static partial void LogStarted(ILogger logger, string resourceName, int pid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resource {ResourceName} stopped with exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, string resourceName, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resource {ResourceName} exited on its own with code {ExitCode}")]
    private static partial void LogExitedOnItsOwn(ILogger logger, string resourceName, int exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resource {ResourceName} failed to start: {Reason}")]
    private static partial void LogFailedToStart(ILogger logger, string resourceName, string reason);
}
