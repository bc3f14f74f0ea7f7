using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orchestration;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Dashboard;

/// <summary>
/// Serves protos/resource_service.proto to the dashboard: gRPC over HTTP/2 without TLS (h2c), on loopback,
/// on the port the dashboard is told in <c>DOTNET_RESOURCE_SERVICE_ENDPOINT_URL</c>. Every call must carry
/// the API key in <c>x-resource-service-api-key</c>. It is a small Kestrel server inside the AppHost process,
/// started before the dashboard and stopped after it.
/// </summary>
internal sealed partial class ResourceServiceHost(
    ResourceServiceEndpoint endpoint,
    DashboardSettings dashboard,
    HostingSettings settings,
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    ResourceCommandService commands,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string ApiKeyHeader = "x-resource-service-api-key";

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = settings.ApplicationName });
        builder.Configuration.Sources.Clear();

        // A server inside the AppHost, not an application of its own: no Ctrl+C handling (the AppHost's host has
        // it), and only its warnings reach the AppHost's log.
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // ASPNETCORE_URLS in the AppHost's environment names the dashboard; Kestrel would warn that it binds
        // this server's own endpoint instead, which is the point.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Services.AddSingleton(model);
        builder.Services.AddSingleton(notifications);
        builder.Services.AddSingleton(resourceLogs);
        builder.Services.AddSingleton(commands);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new ApiKeyInterceptor(dashboard.ResourceServiceApiKey));
        builder.Services.AddGrpc(o => o.Interceptors.Add<ApiKeyInterceptor>());
        builder.WebHost.UseKestrel(kestrel => kestrel.ListenLocalhost(endpoint.Port, listen => listen.Protocols = HttpProtocols.Http2));

        _app = builder.Build();
        _app.MapGrpcService<DashboardServiceImpl>();
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new DistributedApplicationException(
                $"The resource service cannot listen on port {endpoint.Port} ({DashboardSettings.ResourceServiceUrlKey}): the port is already in use.", ex);
        }

        LogListening(loggerFactory.CreateLogger<ResourceServiceHost>(), endpoint.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Resource service listening on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }

    /// <summary>Refuses every call without the right key, before any handler runs.</summary>
    private sealed class ApiKeyInterceptor(string apiKey) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, responseStream, context);
        }

        private void Check(ServerCallContext context)
        {
            var presented = context.RequestHeaders.GetValue(ApiKeyHeader);
            if (presented is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(apiKey)))
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"Missing or wrong {ApiKeyHeader} header."));
            }
        }
    }
}

/// <summary>The resource service's address, fixed when the application is built.</summary>
internal sealed class ResourceServiceEndpoint(int port)
{
    public int Port { get; } = port;

    public string Url => $"http://localhost:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
