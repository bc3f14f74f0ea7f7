using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Orchestration;
using Google.Protobuf.WellKnownTypes;
using GossipAspire.Resources.V1;
using Grpc.Core;
using ProtoResource = GossipAspire.Resources.V1.Resource;

namespace Aspire.Hosting.Dashboard;

/// <summary>
/// The resource service's methods over the hosting layer's own services: the resource watch is
/// <see cref="ResourceNotificationService.WatchAsync"/> (its first snapshots become <c>initial_data</c>), console
/// logs are <see cref="ResourceLoggerService.WatchAsync"/>, commands go to <see cref="ResourceCommandService"/>.
/// Hidden resources (the dashboard itself) are not served.
/// </summary>
internal sealed class DashboardServiceImpl(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    ResourceCommandService commands,
    HostingSettings settings) : DashboardService.DashboardServiceBase
{
    public override Task<ApplicationInformationResponse> GetApplicationInformation(ApplicationInformationRequest request, ServerCallContext context) =>
        Task.FromResult(new ApplicationInformationResponse { ApplicationName = settings.DashboardApplicationName });

    public override async Task WatchResources(WatchResourcesRequest request, IServerStreamWriter<WatchResourcesUpdate> responseStream, ServerCallContext context)
    {
        // WatchAsync yields every resource's current snapshot first: those make the initial data.
        var pendingInitial = model.Resources.Count;
        var initial = new InitialResourceData();
        if (pendingInitial == 0)
        {
            await responseStream.WriteAsync(new WatchResourcesUpdate { InitialData = initial });
        }

        await foreach (var resourceEvent in notifications.WatchAsync(context.CancellationToken))
        {
            if (pendingInitial > 0)
            {
                if (!resourceEvent.Snapshot.IsHidden)
                {
                    initial.Resources.Add(ToProto(resourceEvent));
                }

                if (--pendingInitial == 0)
                {
                    await responseStream.WriteAsync(new WatchResourcesUpdate { InitialData = initial });
                }

                continue;
            }

            if (resourceEvent.Snapshot.IsHidden)
            {
                continue;
            }

            var changes = new WatchResourcesChanges();
            changes.Value.Add(new WatchResourcesChange { Upsert = ToProto(resourceEvent) });
            await responseStream.WriteAsync(new WatchResourcesUpdate { Changes = changes });
        }
    }

    public override async Task WatchResourceConsoleLogs(WatchResourceConsoleLogsRequest request, IServerStreamWriter<WatchResourceConsoleLogsUpdate> responseStream, ServerCallContext context)
    {
        var name = VisibleResource(request.ResourceName)?.Name
            ?? throw new RpcException(new Status(StatusCode.NotFound, model.UnknownResourceMessage(request.ResourceName)));
        await foreach (var batch in resourceLogs.WatchAsync(name, context.CancellationToken))
        {
            var update = new WatchResourceConsoleLogsUpdate();
            foreach (var line in batch)
            {
                update.LogLines.Add(new ConsoleLogLine
                {
                    Text = line.Content,
                    IsStdErr = line.IsErrorMessage,
                    LineNumber = line.LineNumber,
                    Timestamp = Timestamp.FromDateTime(DateTime.SpecifyKind(line.Timestamp, DateTimeKind.Utc)),
                });
            }

            await responseStream.WriteAsync(update);
        }
    }

    public override async Task<ResourceCommandResponse> ExecuteResourceCommand(ResourceCommandRequest request, ServerCallContext context)
    {
        if (VisibleResource(request.ResourceName) is not { } resource)
        {
            return new ResourceCommandResponse
            {
                Kind = ResourceCommandResponseKind.Failed,
                ErrorMessage = model.UnknownResourceMessage(request.ResourceName),
            };
        }

        var result = await commands.ExecuteCommandAsync(resource, request.CommandName, context.CancellationToken);
        return new ResourceCommandResponse
        {
            Kind = result.Success ? ResourceCommandResponseKind.Succeeded : result.Canceled ? ResourceCommandResponseKind.Cancelled : ResourceCommandResponseKind.Failed,
            ErrorMessage = result.ErrorMessage ?? string.Empty,
        };
    }

    private IResource? VisibleResource(string name) =>
        model.Find(name) is { } resource && notifications.TryGetCurrentState(resource.Name, out var current) && !current.Snapshot.IsHidden ? resource : null;

    internal static ProtoResource ToProto(ResourceEvent resourceEvent)
    {
        var snapshot = resourceEvent.Snapshot;
        var resource = new ProtoResource
        {
            Name = resourceEvent.Resource.Name,
            ResourceType = snapshot.ResourceType,
            DisplayName = resourceEvent.Resource.Name,
            Uid = snapshot.Properties.FirstOrDefault(p => p.Name == "resource.uid")?.Value?.ToString() ?? resourceEvent.ResourceId,
            State = snapshot.State?.Text ?? string.Empty,
            StateStyle = snapshot.State?.Style ?? string.Empty,
            HealthStatus = snapshot.HealthStatus?.ToString() ?? string.Empty,
            RestartCount = snapshot.RestartCount,
            CreatedAt = ToTimestamp(snapshot.CreationTimeStamp),
            StartedAt = ToTimestamp(snapshot.StartTimeStamp),
            StoppedAt = ToTimestamp(snapshot.StopTimeStamp),
        };
        if (snapshot.ExitCode is { } exitCode)
        {
            resource.ExitCode = exitCode;
        }

        if (snapshot.Pid is { } pid)
        {
            resource.Pid = pid;
        }

        foreach (var url in snapshot.Urls)
        {
            resource.Urls.Add(new Url { EndpointName = url.Name, FullUrl = url.Url, IsInternal = url.IsInternal });
        }

        foreach (var variable in snapshot.EnvironmentVariables)
        {
            resource.Environment.Add(new EnvironmentVariable { Name = variable.Name, Value = variable.Value ?? string.Empty });
        }

        foreach (var command in snapshot.Commands.Where(c => c.State != ResourceCommandState.Hidden))
        {
            resource.Commands.Add(new ResourceCommand
            {
                Name = command.Name,
                DisplayName = command.DisplayName,
                IconName = command.IconName ?? string.Empty,
                Enabled = command.State == ResourceCommandState.Enabled,
            });
        }

        foreach (var property in snapshot.Properties)
        {
            resource.Properties.Add(new ResourceProperty
            {
                Name = property.Name,
                DisplayName = property.DisplayName,
                Value = Convert.ToString(property.Value, CultureInfo.InvariantCulture) ?? string.Empty,
                IsSensitive = property.IsSensitive,
            });
        }

        return resource;
    }

    private static Timestamp? ToTimestamp(DateTime? value) =>
        value is { } time ? Timestamp.FromDateTime(time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime()) : null;
}
