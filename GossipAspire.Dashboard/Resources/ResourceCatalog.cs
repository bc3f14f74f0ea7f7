using GossipAspire.Dashboard.Otlp.Model;
using GossipAspire.Dashboard.Otlp.Storage;

namespace GossipAspire.Dashboard.Resources;

/// <summary>
/// The resources the pages and the API list: the AppHost's when a resource service is configured, otherwise
/// one per telemetry source (service.name + service.instance.id), shown as Running while it sends.
/// </summary>
public sealed class ResourceCatalog(ResourceServiceClient client, TelemetryRepository repository)
{
    public bool FromResourceService => client.IsConfigured;

    public IReadOnlyList<ResourceViewModel> GetResources() => client.IsConfigured
        ? client.GetResources()
        : [.. repository.GetResources().Select(FromTelemetry)];

    public Subscription Subscribe(Func<Task> callback) => client.IsConfigured
        ? client.Subscribe(callback)
        : repository.Subscribe(TelemetryKind.Resources, callback);

    private static ResourceViewModel FromTelemetry(OtlpResource resource) => new()
    {
        Name = resource.DisplayName,
        DisplayName = resource.DisplayName,
        ResourceType = "Telemetry source",
        State = "Running",
        Source = "Telemetry",
        Pid = AttributeValues.GetString(resource.Attributes, "process.pid") is { } pid && int.TryParse(pid, out var value) ? value : null,
        Properties =
        [
            KeyValuePair.Create("service.name", resource.ServiceName),
            KeyValuePair.Create("service.instance.id", resource.InstanceId),
        ],
    };
}
