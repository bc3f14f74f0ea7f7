using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>The builder methods shared by all process resources: endpoints, environment, arguments, references, waits, health.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>An HTTP endpoint. With no port, a free one is chosen when the application is built.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port, targetPort, scheme: "http", name: name, env: env);

    public static IResourceBuilder<T> WithHttpsEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port, targetPort, scheme: "https", name: name, env: env);

    public static IResourceBuilder<T> WithEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? scheme = null, string? name = null, string? env = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpointName = name ?? scheme ?? "http";
        if (builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{endpointName}'.");
        }

        return builder.WithAnnotation(new EndpointAnnotation(endpointName, scheme ?? "http", port, targetPort, env));
    }

    /// <summary>A reference to one of the resource's endpoints, resolved to its URL at launch.</summary>
    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new EndpointReference(builder.Resource, name);
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string? value) where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(name, () => value ?? string.Empty));

    /// <summary>An environment variable set to an endpoint's URL (for instance a seed for the next node).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, EndpointReference endpointReference) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(endpointReference);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(name, () => endpointReference));
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string> callback) where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(name, callback));

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(callback);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Func<EnvironmentCallbackContext, Task> callback) where T : IResourceWithEnvironment =>
        builder.WithAnnotation(new EnvironmentCallbackAnnotation(callback));

    /// <summary>Arguments: strings, numbers, or values resolved at launch such as an <see cref="EndpointReference"/>.</summary>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params object[] args) where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(args);
        return builder.WithAnnotation(new CommandLineArgsCallbackAnnotation(context =>
        {
            context.Args.AddRange(args);
            return Task.CompletedTask;
        }));
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, Action<CommandLineArgsCallbackContext> callback) where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(callback);
        return builder.WithAnnotation(new CommandLineArgsCallbackAnnotation(context =>
        {
            callback(context);
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// Service discovery: the source's endpoints as <c>services__{source}__{endpoint}__0</c>, the keys
    /// Microsoft.Extensions.ServiceDiscovery reads.
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"));
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(context =>
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                context.EnvironmentVariables[$"services__{resource.Name}__{endpoint.Name}__0"] = new EndpointReference(resource, endpoint.Name);
            }

            return Task.CompletedTask;
        }));
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, WaitType.WaitUntilHealthy);

    /// <summary>Starts this resource only once <paramref name="dependency"/> has finished with exit code 0.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, WaitType.WaitForCompletion);

    /// <summary>Healthy while <c>GET {endpoint}{path}</c> answers <paramref name="statusCode"/> (200 by default).</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string? path = null, int? statusCode = null, string? endpointName = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoint = endpointName is null
            ? builder.Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.UriScheme is "http" or "https")
            : builder.Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase));
        if (endpoint is null)
        {
            throw new DistributedApplicationException(
                $"Resource '{builder.Resource.Name}' has no {(endpointName is null ? "HTTP endpoint" : $"endpoint named '{endpointName}'")} for its health check; add it first with WithHttpEndpoint.");
        }

        var normalizedPath = string.IsNullOrEmpty(path) ? "/" : path.StartsWith('/') ? path : "/" + path;
        return builder.WithAnnotation(
            new HttpHealthCheckAnnotation(new EndpointReference(builder.Resource, endpoint.Name), normalizedPath, statusCode ?? 200),
            ResourceAnnotationMutationBehavior.Replace);
    }

    private static IResourceBuilder<T> AddWait<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, WaitType waitType) where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new DistributedApplicationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }

        builder.WithAnnotation(new ResourceRelationshipAnnotation(dependency.Resource, "WaitFor"));
        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource, waitType));
    }
}
