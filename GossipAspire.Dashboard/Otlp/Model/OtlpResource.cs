namespace GossipAspire.Dashboard.Otlp.Model;

/// <summary>
/// One telemetry source, keyed by <c>service.name</c> + <c>service.instance.id</c> as the Aspire dashboard does.
/// A resource of the AppHost (<c>node-3</c>) matches the telemetry whose <c>service.name</c> is its name.
/// </summary>
public sealed class OtlpResource(string serviceName, string instanceId, KeyValuePair<string, object?>[] attributes)
{
    public string ServiceName { get; } = serviceName;

    public string InstanceId { get; } = instanceId;

    public KeyValuePair<string, object?>[] Attributes { get; } = attributes;

    /// <summary>The name shown: the service name, or name-instance where one service has several instances.</summary>
    public string DisplayName { get; internal set; } = serviceName;

    public static string Key(string serviceName, string instanceId) => serviceName + "\u001f" + instanceId;
}
