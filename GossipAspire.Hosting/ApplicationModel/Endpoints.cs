using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>A value known only once the application runs (an allocated port, say), resolved at each launch.</summary>
public interface IValueProvider
{
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// An endpoint a resource listens on. Unlike Aspire we run no proxy: the process itself listens on
/// <see cref="Port"/> (or on a free port chosen at build time when none is given).
/// </summary>
public sealed class EndpointAnnotation : IResourceAnnotation
{
    public EndpointAnnotation(string name, string uriScheme = "http", int? port = null, int? targetPort = null, string? environmentVariable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(uriScheme);
        if (port is <= 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is between 1 and 65535.");
        }

        if (targetPort is <= 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(targetPort), targetPort, "A port is between 1 and 65535.");
        }

        if (port is not null && targetPort is not null && port != targetPort)
        {
            throw new ArgumentException(
                $"Endpoint '{name}': port {port} and target port {targetPort} differ, which needs a proxy; this host runs none, so give one port.",
                nameof(targetPort));
        }

        Name = name;
        UriScheme = uriScheme;
        Port = port ?? targetPort;
        EnvironmentVariable = environmentVariable;
    }

    public string Name { get; }

    public string UriScheme { get; }

    /// <summary>The port asked for, or null for any free port.</summary>
    public int? Port { get; }

    /// <summary>For executables: an environment variable that receives the port.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>Where the endpoint really is, set when the application is built.</summary>
    public AllocatedEndpoint? AllocatedEndpoint { get; set; }
}

/// <summary>The address an endpoint got.</summary>
public sealed class AllocatedEndpoint(EndpointAnnotation endpoint, string address, int port)
{
    public EndpointAnnotation Endpoint { get; } = endpoint;

    public string Address { get; } = address;

    public int Port { get; } = port;

    public string UriString => string.Create(CultureInfo.InvariantCulture, $"{Endpoint.UriScheme}://{Address}:{Port}");

    public override string ToString() => UriString;
}

/// <summary>A reference to a resource's endpoint, resolved to its URL when a process is launched.</summary>
public sealed class EndpointReference(IResourceWithEndpoints resource, string endpointName) : IValueProvider
{
    public IResourceWithEndpoints Resource { get; } = resource ?? throw new ArgumentNullException(nameof(resource));

    public string EndpointName { get; } = endpointName ?? throw new ArgumentNullException(nameof(endpointName));

    public bool Exists => FindAnnotation() is not null;

    public bool IsAllocated => FindAnnotation()?.AllocatedEndpoint is not null;

    public EndpointAnnotation EndpointAnnotation => FindAnnotation()
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    public string Url => Allocated.UriString;

    public string Host => Allocated.Address;

    public int Port => Allocated.Port;

    public string Scheme => EndpointAnnotation.UriScheme;

    private AllocatedEndpoint Allocated => EndpointAnnotation.AllocatedEndpoint
        ?? throw new InvalidOperationException($"Endpoint '{EndpointName}' of resource '{Resource.Name}' is not allocated until the application is built.");

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Url);

    public override string ToString() => IsAllocated ? Url : $"{{{Resource.Name}.bindings.{EndpointName}.url}}";

    private EndpointAnnotation? FindAnnotation() =>
        Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => string.Equals(e.Name, EndpointName, StringComparison.OrdinalIgnoreCase));
}
