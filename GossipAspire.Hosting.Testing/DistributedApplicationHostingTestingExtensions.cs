using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.Testing;

/// <summary>Reaching a running application's resources from a test.</summary>
public static class DistributedApplicationHostingTestingExtensions
{
    /// <summary>An <see cref="HttpClient"/> whose base address is the resource's endpoint (its first, or the one named).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null) =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = app.GetEndpoint(resourceName, endpointName),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>The URL of the resource's endpoint; an unknown resource or endpoint fails at once, naming what exists.</summary>
    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var resource = model.GetRequired(resourceName);
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToArray();
        var endpoint = endpointName is null
            ? endpoints.FirstOrDefault()
            : endpoints.FirstOrDefault(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase));
        if (endpoint?.AllocatedEndpoint is not { } allocated)
        {
            var known = endpoints.Length == 0 ? "none" : string.Join(", ", endpoints.Select(e => e.Name));
            throw new ArgumentException(
                $"Resource '{resource.Name}' has no {(endpointName is null ? "endpoint" : $"endpoint named '{endpointName}'")}. Its endpoints: {known}.",
                endpointName is null ? nameof(resourceName) : nameof(endpointName));
        }

        return new Uri(allocated.UriString);
    }
}
