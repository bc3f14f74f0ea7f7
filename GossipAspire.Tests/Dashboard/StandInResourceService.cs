#pragma warning disable CS0436 // our generated copy of the contract is internal on purpose; see the csproj
using System.Net;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GossipAspire.Resources.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GossipAspire.Tests.Dashboard;

/// <summary>
/// A hand-written stand-in for the AppHost's side of protos/resource_service.proto, served over real gRPC, so
/// the dashboard's client (watch, reconnect, console logs, commands, API key) can be tested before the AppHost
/// lands. It keeps a few resources and acts out start / stop / restart on them.
/// </summary>
internal sealed class StandInResourceService : IAsyncDisposable
{
    public const string ApiKey = "resource-service-key";

    private readonly WebApplication _app;

    private StandInResourceService(WebApplication app, State state, int port)
    {
        _app = app;
        Resources = state;
        Url = $"http://127.0.0.1:{port}";
        Port = port;
    }

    public State Resources { get; }

    public string Url { get; }

    public int Port { get; }

    public static async Task<StandInResourceService> StartAsync(int port = 0, State? state = null)
    {
        state ??= new State(3);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        return new StandInResourceService(app, state, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        Resources.EndStreams();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class State
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, Resource> _resources = [];
        private readonly List<Channel<WatchResourcesUpdate>> _watchers = [];

        public State(int count)
        {
            for (var i = 1; i <= count; i++)
            {
                _resources[$"node-{i}"] = Running($"node-{i}", 5000 + i, restarts: 0);
            }
        }

        public List<string> Commands { get; } = [];

        public Resource Get(string name)
        {
            lock (_lock)
            {
                return _resources[name].Clone();
            }
        }

        public IReadOnlyList<string> ConsoleLines(string name) =>
            [$"info: {name} listening on http://127.0.0.1:{_resources[name].Urls[0].FullUrl[^4..]}", $"info: {name} joined through its seed"];

        public Channel<WatchResourcesUpdate> Watch()
        {
            var channel = Channel.CreateUnbounded<WatchResourcesUpdate>();
            lock (_lock)
            {
                var initial = new InitialResourceData();
                initial.Resources.AddRange(_resources.Values.Select(r => r.Clone()));
                channel.Writer.TryWrite(new WatchResourcesUpdate { InitialData = initial });
                _watchers.Add(channel);
            }

            return channel;
        }

        public bool Execute(string resourceName, string command)
        {
            lock (_lock)
            {
                if (!_resources.TryGetValue(resourceName, out var resource))
                {
                    return false;
                }

                Commands.Add($"{command} {resourceName}");
                var port = int.Parse(resource.Urls[0].FullUrl[^4..], System.Globalization.CultureInfo.InvariantCulture);
                _resources[resourceName] = command switch
                {
                    "stop" => Stopped(resource),
                    _ => Running(resourceName, port, restarts: resource.RestartCount + (command == "restart" ? 1 : 0)),
                };
                Publish(_resources[resourceName]);
                return true;
            }
        }

        public void EndStreams()
        {
            lock (_lock)
            {
                foreach (var watcher in _watchers)
                {
                    watcher.Writer.TryComplete();
                }

                _watchers.Clear();
            }
        }

        private void Publish(Resource resource)
        {
            var changes = new WatchResourcesChanges();
            changes.Value.Add(new WatchResourcesChange { Upsert = resource.Clone() });
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(new WatchResourcesUpdate { Changes = changes });
            }
        }

        private static Resource Running(string name, int port, int restarts)
        {
            var resource = new Resource
            {
                Name = name,
                DisplayName = name,
                ResourceType = "Project",
                Uid = Guid.NewGuid().ToString(),
                State = "Running",
                StateStyle = "success",
                HealthStatus = "Healthy",
                CreatedAt = Timestamp.FromDateTime(DateTime.UtcNow),
                StartedAt = Timestamp.FromDateTime(DateTime.UtcNow),
                Pid = 40_000 + port % 1000,
                RestartCount = restarts,
            };
            resource.Urls.Add(new Url { EndpointName = "http", FullUrl = $"http://localhost:{port}" });
            resource.Commands.Add(new ResourceCommand { Name = "start", DisplayName = "Start", Enabled = false });
            resource.Commands.Add(new ResourceCommand { Name = "stop", DisplayName = "Stop", Enabled = true });
            resource.Commands.Add(new ResourceCommand { Name = "restart", DisplayName = "Restart", Enabled = true });
            return resource;
        }

        private static Resource Stopped(Resource running)
        {
            var resource = running.Clone();
            resource.State = "Exited";
            resource.StateStyle = "";
            resource.HealthStatus = "";
            resource.ExitCode = 0;
            resource.ClearPid();
            resource.StoppedAt = Timestamp.FromDateTime(DateTime.UtcNow);
            resource.Commands.Clear();
            resource.Commands.Add(new ResourceCommand { Name = "start", DisplayName = "Start", Enabled = true });
            resource.Commands.Add(new ResourceCommand { Name = "stop", DisplayName = "Stop", Enabled = false });
            resource.Commands.Add(new ResourceCommand { Name = "restart", DisplayName = "Restart", Enabled = true });
            return resource;
        }
    }

    private sealed class Service(State state) : DashboardService.DashboardServiceBase
    {
        public override Task<ApplicationInformationResponse> GetApplicationInformation(ApplicationInformationRequest request, ServerCallContext context)
        {
            Authorize(context);
            return Task.FromResult(new ApplicationInformationResponse { ApplicationName = "GossipAspire.AppHost (stand-in)" });
        }

        public override async Task WatchResources(WatchResourcesRequest request, IServerStreamWriter<WatchResourcesUpdate> responseStream, ServerCallContext context)
        {
            Authorize(context);
            var channel = state.Watch();
            await foreach (var update in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(update, context.CancellationToken);
            }
        }

        public override async Task WatchResourceConsoleLogs(WatchResourceConsoleLogsRequest request, IServerStreamWriter<WatchResourceConsoleLogsUpdate> responseStream, ServerCallContext context)
        {
            Authorize(context);
            var update = new WatchResourceConsoleLogsUpdate();
            var number = 1;
            foreach (var line in state.ConsoleLines(request.ResourceName))
            {
                update.LogLines.Add(new ConsoleLogLine { Text = line, LineNumber = number++, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) });
            }

            await responseStream.WriteAsync(update);
            await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        public override Task<ResourceCommandResponse> ExecuteResourceCommand(ResourceCommandRequest request, ServerCallContext context)
        {
            Authorize(context);
            return Task.FromResult(state.Execute(request.ResourceName, request.CommandName)
                ? new ResourceCommandResponse { Kind = ResourceCommandResponseKind.Succeeded }
                : new ResourceCommandResponse { Kind = ResourceCommandResponseKind.Failed, ErrorMessage = $"No resource named {request.ResourceName}" });
        }

        private static void Authorize(ServerCallContext context)
        {
            if (context.RequestHeaders.GetValue("x-resource-service-api-key") != ApiKey)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "x-resource-service-api-key is missing or wrong"));
            }
        }
    }
}
