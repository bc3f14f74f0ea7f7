using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Dashboard;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Orchestration;

/// <summary>
/// Runs the application's process resources: checks that every port is free (a taken port is one clear error
/// naming the resource and the port, and nothing is launched), starts them all at once (those with
/// <c>WaitFor</c> once their dependencies are healthy), runs their commands, and on shutdown stops them all.
/// </summary>
internal sealed partial class ApplicationOrchestrator : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, ResourceRunner> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<ApplicationOrchestrator> _logger;
    private readonly ILogger _applicationLogger;
    private int _stopped;

    public ApplicationOrchestrator(
        DistributedApplicationModel model,
        ResourceNotificationService notifications,
        ResourceLoggerService resourceLogs,
        ProcessLauncher launcher,
        HostingSettings settings,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        Notifications = notifications;
        ResourceLogs = resourceLogs;
        Launcher = launcher;
        Settings = settings;
        TimeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<ApplicationOrchestrator>();
        _applicationLogger = loggerFactory.CreateLogger<DistributedApplication>();
        SpecFactory = new ProcessSpecFactory(settings, _logger);
        HealthClient = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        });

        foreach (var resource in model.Resources.Where(IsProcessResource))
        {
            _runners[resource.Name] = new ResourceRunner(resource, this, _logger);
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                LogEndpoint(_logger, resource.Name, endpoint.Name, endpoint.AllocatedEndpoint?.UriString);
            }
        }

        if (settings.EnableResourceLogging)
        {
            var loggers = model.Resources.ToDictionary(r => r.Name, r => loggerFactory.CreateLogger($"{settings.ApplicationName}.Resources.{r.Name}"), StringComparer.OrdinalIgnoreCase);
            resourceLogs.LineWritten += (name, line) => LogResourceLine(loggers[name], line.IsErrorMessage ? LogLevel.Error : LogLevel.Information, line.Content);
        }
    }

    public ResourceNotificationService Notifications { get; }

    public ResourceLoggerService ResourceLogs { get; }

    public ProcessLauncher Launcher { get; }

    public HostingSettings Settings { get; }

    public TimeProvider TimeProvider { get; }

    public ProcessSpecFactory SpecFactory { get; }

    public HttpClient HealthClient { get; }

    public bool IsStopping => _stopping.IsCancellationRequested;

    public CancellationToken Stopping => _stopping.Token;

    public DateTime Now => TimeProvider.GetUtcNow().UtcDateTime;

    public static bool IsProcessResource(IResource resource) => resource is ProjectResource or ExecutableResource;

    /// <summary>The resources people see: every process resource but the dashboard.</summary>
    public static bool IsVisibleProcessResource(IResource resource) => IsProcessResource(resource) && resource is not DashboardResource;

    /// <summary>The pid of a running resource, for tools and tests.</summary>
    public int? GetPid(string resourceName) => _runners.TryGetValue(resourceName, out var runner) ? runner.Pid : null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CheckPortsAsync();

        // The dashboard first, so it is there to receive the others' telemetry from their first span.
        foreach (var dashboard in _runners.Values.Where(r => r.Resource is DashboardResource))
        {
            var result = await dashboard.StartAsync(waitForDependencies: false, cancellationToken);
            if (result.Success && Settings.DashboardLoginUrl is { } loginUrl)
            {
                LogDashboardLogin(_applicationLogger, loginUrl);
            }
        }

        var launches = new List<Task>();
        foreach (var runner in _runners.Values.Where(r => r.Resource is not DashboardResource))
        {
            if (runner.Resource.Annotations.OfType<WaitAnnotation>().Any())
            {
                // Waits run in the background; StartAsync returns once everything that can start has.
                _ = runner.StartAsync(waitForDependencies: true, CancellationToken.None);
            }
            else
            {
                launches.Add(runner.StartAsync(waitForDependencies: false, cancellationToken));
            }
        }

        await Task.WhenAll(launches);
        LogStarted(_logger, _runners.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            // The dashboard last, so it receives what the others send while they stop.
            await Task.WhenAll(_runners.Values.Where(r => r.Resource is not DashboardResource).Select(r => r.ShutdownAsync())).WaitAsync(cancellationToken);
            await Task.WhenAll(_runners.Values.Where(r => r.Resource is DashboardResource).Select(r => r.ShutdownAsync())).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out: no more grace.
            KillAll();
        }

        LogStopped(_logger);
    }

    public Task<ExecuteCommandResult> StartResourceAsync(string resourceName, CancellationToken cancellationToken) =>
        Runner(resourceName) is { } runner
            ? runner.StartAsync(waitForDependencies: true, cancellationToken)
            : Task.FromResult(CommandResults.Failure($"Resource '{resourceName}' is not a process this host runs."));

    public Task<ExecuteCommandResult> StopResourceAsync(string resourceName, CancellationToken cancellationToken) =>
        Runner(resourceName) is { } runner
            ? runner.StopAsync(cancellationToken)
            : Task.FromResult(CommandResults.Failure($"Resource '{resourceName}' is not a process this host runs."));

    public Task<ExecuteCommandResult> RestartResourceAsync(string resourceName, CancellationToken cancellationToken) =>
        Runner(resourceName) is { } runner
            ? runner.RestartAsync(cancellationToken)
            : Task.FromResult(CommandResults.Failure($"Resource '{resourceName}' is not a process this host runs."));

    public ValueTask DisposeAsync()
    {
        // Whatever a test or a crash left running goes now.
        KillAll();
        _stopping.Cancel();
        HealthClient.Dispose();
        return ValueTask.CompletedTask;
    }

    private ResourceRunner? Runner(string resourceName) => _runners.GetValueOrDefault(resourceName);

    private void KillAll()
    {
        foreach (var runner in _runners.Values)
        {
            runner.Kill();
        }
    }

    private async Task CheckPortsAsync()
    {
        var problems = new List<string>();
        var owners = new Dictionary<int, string>();
        foreach (var runner in _runners.Values)
        {
            foreach (var endpoint in runner.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.AllocatedEndpoint is not null))
            {
                var port = endpoint.AllocatedEndpoint!.Port;
                string? problem = null;
                if (owners.TryGetValue(port, out var owner))
                {
                    problem = $"Resource '{runner.Resource.Name}' cannot listen on port {port} (endpoint '{endpoint.Name}'): resource '{owner}' uses that port too.";
                }
                else if (!PortAllocator.IsFree(port))
                {
                    problem = $"Resource '{runner.Resource.Name}' cannot listen on port {port} (endpoint '{endpoint.Name}'): the port is already in use by another process.";
                    if (runner.Resource is DashboardResource)
                    {
                        problem += " Another AppHost's dashboard? Choose other ports with ASPNETCORE_URLS, ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL and ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL.";
                    }
                }

                owners.TryAdd(port, runner.Resource.Name);
                if (problem is not null)
                {
                    problems.Add(problem);
                    await runner.PublishFailedToStartAsync(problem);
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new DistributedApplicationException(string.Join(Environment.NewLine, problems));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resource {ResourceName} endpoint {EndpointName} is {Url}")]
    private static partial void LogEndpoint(ILogger logger, string resourceName, string endpointName, string? url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Login to the dashboard at {LoginUrl}")]
    private static partial void LogDashboardLogin(ILogger logger, string loginUrl);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} process resources launched")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Every resource has stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Message = "{Line}")]
    private static partial void LogResourceLine(ILogger logger, LogLevel level, string line);
}
