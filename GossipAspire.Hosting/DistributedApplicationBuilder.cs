using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Cli;
using Aspire.Hosting.Dashboard;
using Aspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// The builder behind <see cref="DistributedApplication.CreateBuilder(string[])"/>: a generic host builder plus
/// the application model. <see cref="Build"/> fixes every endpoint's port, decides on the dashboard and wires the
/// services that run the resources.
/// </summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    /// <summary>Assembly metadata written by the AppHost build targets.</summary>
    internal const string AppHostProjectPathMetadataKey = "apphostprojectpath";
    internal const string DashboardPathMetadataKey = "aspiredashboardpath";

    private readonly HostApplicationBuilder _innerBuilder;
    private readonly DistributedApplicationOptions _options;
    private readonly ResourceCollection _resources = [];
    private bool _built;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var settings = new HostApplicationBuilderSettings
        {
            Args = options.Args,
            Configuration = new ConfigurationManager(),
        };

        // The testing builder gets its say before anything reads the options (ports, dashboard, logging).
        BuilderInterception.Current.Value?.OnConstructing(options, settings);

        AppHostAssembly = options.Assembly ?? Assembly.GetEntryAssembly();
        AppHostDirectory = ReadAssemblyMetadata(AppHostAssembly, AppHostProjectPathMetadataKey) ?? AppContext.BaseDirectory;
        settings.ApplicationName ??= AppHostAssembly?.GetName().Name;
        settings.ContentRootPath ??= AppHostDirectory;
        _innerBuilder = new HostApplicationBuilder(settings);

        if (options.IsTesting)
        {
            // A test adds the logger it wants (one writing to its output); the console would only add noise.
            _innerBuilder.Logging.ClearProviders();
        }
        else
        {
            CliErrors.PrintUnhandledApplicationErrors();
        }
    }

    public ConfigurationManager Configuration => _innerBuilder.Configuration;

    public string AppHostDirectory { get; }

    public Assembly? AppHostAssembly { get; }

    public IHostEnvironment Environment => _innerBuilder.Environment;

    public IServiceCollection Services => _innerBuilder.Services;

    public IResourceCollection Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_built)
        {
            throw new InvalidOperationException("Resources cannot be added after Build().");
        }

        if (_resources.FirstOrDefault(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)) is { } existing)
        {
            throw new DistributedApplicationException(
                $"Cannot add resource of type '{resource.GetType().Name}' named '{resource.Name}': a resource of type '{existing.GetType().Name}' has that name already.");
        }

        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        // Under the testing builder the first call ends the AppHost's entry point here, handing this builder over.
        BuilderInterception.Current.Value?.OnBuilding(this);
        if (_built)
        {
            throw new InvalidOperationException("Build() can be called only once.");
        }

        var settings = HostingSettings.Create(Configuration, _options, AppHostAssembly);
        var dashboard = DashboardSettings.Create(Configuration, _options, ReadAssemblyMetadata(AppHostAssembly, DashboardPathMetadataKey));
        ResourceServiceEndpoint? resourceService = null;
        DashboardResource? dashboardResource = null;
        if (dashboard is not null)
        {
            resourceService = new ResourceServiceEndpoint(
                settings.RandomizePorts || dashboard.ResourceServicePort is null ? PortAllocator.GetFreePort() : dashboard.ResourceServicePort.Value);
            dashboardResource = DashboardResource.Add(this, dashboard, settings.DashboardApplicationName, () => resourceService.Url);
        }

        _built = true;
        AllocateEndpoints(settings);
        if (dashboard is not null && dashboardResource is not null)
        {
            // Every project sends its telemetry to the dashboard, with the key the dashboard expects.
            var frontend = new EndpointReference(dashboardResource, DashboardResource.FrontendEndpointName);
            settings.OtlpEndpointUrl = new EndpointReference(dashboardResource, DashboardResource.OtlpGrpcEndpointName).Url;
            settings.OtlpApiKey = dashboard.OtlpApiKey;
            settings.DashboardLoginUrl = $"{frontend.Url}/login?t={dashboard.BrowserToken}";
        }
        foreach (var resource in _resources.Where(ApplicationOrchestrator.IsProcessResource))
        {
            ResourceCommands.AddLifecycleCommands(resource);
        }

        var model = new DistributedApplicationModel(_resources);
        Services.TryAddSingleton(TimeProvider.System);
        Services.AddSingleton(settings);
        Services.AddSingleton(model);
        Services.AddSingleton(ProcessLauncher.Shared);
        Services.AddSingleton<ResourceNotificationService>();
        Services.AddSingleton(sp => new ResourceLoggerService(sp.GetRequiredService<DistributedApplicationModel>(), sp.GetRequiredService<TimeProvider>()));
        Services.AddSingleton<ResourceCommandService>();
        Services.AddSingleton<ApplicationOrchestrator>();

        // Start order: the resource service (the dashboard connects to it), the processes, the terminal view;
        // stop runs in reverse, so the processes stop before the service.
        if (dashboard is not null)
        {
            Services.AddSingleton(dashboard);
            Services.AddSingleton(resourceService!);
            Services.AddSingleton<ResourceServiceHost>();
            Services.AddHostedService(sp => sp.GetRequiredService<ResourceServiceHost>());
        }

        Services.AddHostedService(sp => sp.GetRequiredService<ApplicationOrchestrator>());
        ConsoleResourceView.Register(_innerBuilder, settings);

        if (settings.IsTesting)
        {
            // No Ctrl+C handling inside a test process: the test starts and stops the application.
            Services.AddSingleton<IHostLifetime, TestingHostLifetime>();
        }

        Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.GracefulStopTimeout + TimeSpan.FromSeconds(10));
        _innerBuilder.Logging.AddFilter("Microsoft.Extensions.Http.DefaultHttpClientFactory", LogLevel.Warning);
        _innerBuilder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        _innerBuilder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        return new DistributedApplication(_innerBuilder.Build(), settings);
    }

    private void AllocateEndpoints(HostingSettings settings)
    {
        foreach (var endpoint in _resources.SelectMany(r => r.Annotations.OfType<EndpointAnnotation>()))
        {
            var port = settings.RandomizePorts || endpoint.Port is null ? PortAllocator.GetFreePort() : endpoint.Port.Value;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "localhost", port);
        }
    }

    internal static string? ReadAssemblyMetadata(Assembly? assembly, string key) =>
        assembly?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase))?.Value is { Length: > 0 } value
            ? value
            : null;

    private sealed class TestingHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The hook the testing builder uses to adjust and capture a builder created by an AppHost's entry point.</summary>
internal interface IDistributedApplicationBuilderInterceptor
{
    void OnConstructing(DistributedApplicationOptions options, HostApplicationBuilderSettings settings);

    void OnBuilding(DistributedApplicationBuilder builder);
}

internal static class BuilderInterception
{
    /// <summary>Flows with the entry point's execution context, so parallel tests each see only their own interceptor.</summary>
    public static readonly AsyncLocal<IDistributedApplicationBuilderInterceptor?> Current = new();
}
