namespace GossipAspire.Dashboard.Hosting;

/// <summary>Which of the dashboard's listeners a connection came in on.</summary>
public enum ConnectionType
{
    Frontend,
    OtlpGrpc,
    OtlpHttp,
}

/// <summary>Set on each connection by the listener it arrived at.</summary>
public sealed record ConnectionTypeFeature(ConnectionType Type);

/// <summary>The listeners an endpoint answers on; endpoints without it answer on the frontend only.</summary>
public sealed record ConnectionTypeMetadata(params ConnectionType[] Types);

public static class ConnectionTypeMiddleware
{
    /// <summary>
    /// Keeps each listener to its own endpoints: the UI and API are not reachable on the OTLP ports and OTLP
    /// is not reachable on the UI port. A mismatch answers 404, as if the endpoint did not exist.
    /// </summary>
    public static IApplicationBuilder UseConnectionTypes(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not null)
        {
            var type = context.Features.Get<ConnectionTypeFeature>()?.Type ?? ConnectionType.Frontend;
            var allowed = endpoint.Metadata.GetMetadata<ConnectionTypeMetadata>()?.Types ?? [ConnectionType.Frontend];
            if (!allowed.Contains(type))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }

        return next(context);
    });
}
