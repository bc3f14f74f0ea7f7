using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp.Storage;
using GossipAspire.Resources.V1;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Resources;

public enum ResourceServiceConnectionState
{
    NotConfigured,
    Connecting,
    Connected,
    Disconnected,
}

/// <summary>
/// The client side of protos/resource_service.proto. A background loop keeps a live copy of the AppHost's
/// resources (snapshot, then changes), reconnecting with back-off if the stream drops; console logs and
/// commands are direct calls. Without <c>DOTNET_RESOURCE_SERVICE_ENDPOINT_URL</c> it stays NotConfigured.
/// </summary>
public sealed partial class ResourceServiceClient : BackgroundService
{
    private readonly ResourceServiceClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ResourceServiceClient> _logger;
    private readonly GrpcChannel? _channel;
    private readonly DashboardService.DashboardServiceClient? _client;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceViewModel> _resources = new(StringComparer.Ordinal);
    private readonly List<Subscription> _subscriptions = [];
    private readonly int _throttleMilliseconds;

    public ResourceServiceClient(IOptions<DashboardOptions> options, TimeProvider timeProvider, ILogger<ResourceServiceClient> logger)
    {
        _options = options.Value.ResourceServiceClient;
        _throttleMilliseconds = options.Value.TelemetryLimits.NotificationThrottleMilliseconds;
        _timeProvider = timeProvider;
        _logger = logger;
        if (!string.IsNullOrEmpty(_options.Url))
        {
            _channel = GrpcChannel.ForAddress(_options.Url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                    KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                },
            });
            _client = new DashboardService.DashboardServiceClient(_channel);
            State = ResourceServiceConnectionState.Connecting;
        }
    }

    public bool IsConfigured => _client is not null;

    public ResourceServiceConnectionState State { get; private set; } = ResourceServiceConnectionState.NotConfigured;

    public string? LastError { get; private set; }

    public string? ApplicationName { get; private set; }

    public IReadOnlyList<ResourceViewModel> GetResources()
    {
        lock (_lock)
        {
            return [.. _resources.Values.OrderBy(r => r.Name, ResourceNameComparer.Instance)];
        }
    }

    public ResourceViewModel? GetResource(string name)
    {
        lock (_lock)
        {
            return _resources.GetValueOrDefault(name);
        }
    }

    public Subscription Subscribe(Func<Task> callback)
    {
        Subscription? subscription = null;
        subscription = new Subscription(callback, TimeSpan.FromMilliseconds(_throttleMilliseconds), _timeProvider,
            s =>
            {
                lock (_lock)
                {
                    _subscriptions.Remove(s);
                }
            },
            ex => LogSubscriberFailed(_logger, ex));
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public async Task<CommandResult> ExecuteCommandAsync(string resourceName, string commandName, CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return new CommandResult(false, "No resource service is configured.");
        }

        try
        {
            var response = await _client.ExecuteResourceCommandAsync(
                new ResourceCommandRequest { ResourceName = resourceName, CommandName = commandName },
                Headers(), deadline: null, cancellationToken);
            return response.Kind == ResourceCommandResponseKind.Succeeded
                ? new CommandResult(true, null)
                : new CommandResult(false, string.IsNullOrEmpty(response.ErrorMessage) ? response.Kind.ToString() : response.ErrorMessage);
        }
        catch (RpcException ex)
        {
            return new CommandResult(false, $"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>The lines the AppHost still holds for the resource, then new ones as they come, in batches.</summary>
    public async IAsyncEnumerable<IReadOnlyList<ConsoleLine>> WatchConsoleLogsAsync(string resourceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            yield break;
        }

        using var call = _client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = resourceName }, Headers(), cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            yield return [.. call.ResponseStream.Current.LogLines.Select(l => new ConsoleLine(l.LineNumber, l.Text, l.IsStdErr, l.Timestamp?.ToDateTime()))];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_client is null)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                State = ResourceServiceConnectionState.Connecting;
                var info = await _client.GetApplicationInformationAsync(new ApplicationInformationRequest(), Headers(), cancellationToken: stoppingToken);
                ApplicationName = info.ApplicationName;

                using var call = _client.WatchResources(new WatchResourcesRequest(), Headers(), cancellationToken: stoppingToken);
                while (await call.ResponseStream.MoveNext(stoppingToken))
                {
                    Apply(call.ResponseStream.Current);
                    if (State != ResourceServiceConnectionState.Connected)
                    {
                        State = ResourceServiceConnectionState.Connected;
                        LastError = null;
                        LogConnected(_logger, _options.Url!);
                    }

                    delay = TimeSpan.FromMilliseconds(250);
                }

                LastError = "The resource stream ended.";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (stoppingToken.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (Exception ex)
            {
                LastError = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
                LogDisconnected(_logger, _options.Url!, LastError);
            }

            State = ResourceServiceConnectionState.Disconnected;
            Notify();
            try
            {
                await Task.Delay(delay, _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
        }
    }

    private void Apply(WatchResourcesUpdate update)
    {
        lock (_lock)
        {
            switch (update.KindCase)
            {
                case WatchResourcesUpdate.KindOneofCase.InitialData:
                    _resources.Clear();
                    foreach (var resource in update.InitialData.Resources)
                    {
                        _resources[resource.Name] = ResourceViewModel.FromProto(resource);
                    }

                    break;
                case WatchResourcesUpdate.KindOneofCase.Changes:
                    foreach (var change in update.Changes.Value)
                    {
                        if (change.KindCase == WatchResourcesChange.KindOneofCase.Upsert)
                        {
                            _resources[change.Upsert.Name] = ResourceViewModel.FromProto(change.Upsert);
                        }
                        else if (change.KindCase == WatchResourcesChange.KindOneofCase.Delete)
                        {
                            _resources.Remove(change.Delete.ResourceName);
                        }
                    }

                    break;
            }
        }

        Notify();
    }

    private void Notify()
    {
        Subscription[] subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscriptions];
        }

        foreach (var subscription in subscribers)
        {
            subscription.Notify();
        }
    }

    private Metadata Headers()
    {
        var headers = new Metadata();
        if (_options.ParsedAuthMode == ResourceClientAuthMode.ApiKey && !string.IsNullOrEmpty(_options.ApiKey))
        {
            headers.Add(DashboardConfigurationNames.ResourceServiceApiKeyHeader, _options.ApiKey);
        }

        return headers;
    }

    public override void Dispose()
    {
        base.Dispose();
        _channel?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching resources at {Url}")]
    private static partial void LogConnected(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the resource service at {Url} ({Error}); reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string url, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A resource change subscriber failed")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
