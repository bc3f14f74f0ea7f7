using GossipAspire.Node.Gossip;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Apis;

/// <summary>
/// The one request filter of the node-to-node endpoints that carry a MAC (<c>POST /digest/</c>,
/// <c>GET /peers/{id}</c>): with a keyring, the body is read (within <see cref="GossipOptions.MaxBodyBytes"/>) and
/// the request goes to <see cref="Admission.Authenticate"/> before its handler runs; a request it refuses gets
/// <c>401</c> problem details and changes nothing. The body read here is handed to the handler, which reads it
/// through <see cref="BodyReader"/> as before. Without a keyring it does nothing.
/// </summary>
public sealed class MacFilter(Admission admission, IOptions<GossipOptions> options, TimeProvider time) : IEndpointFilter
{
    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401: the credentials go in <c>X-Gossip-Mac</c>.</summary>
    public const string Challenge = "Gossip-Mac";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (admission.IsOpen)
        {
            return await next(context);
        }

        var http = context.HttpContext;
        var limit = options.Value.MaxBodyBytes;
        var (body, tooLarge) = await BodyReader.ReadAsync(http.Request, limit, http.RequestAborted);
        if (tooLarge)
        {
            return GossipApi.TooLarge(limit);
        }

        var path = http.Request.PathBase.Add(http.Request.Path).Value ?? "/";
        if (admission.Authenticate(http.Request.Method, path, http.Request.Headers, body, time.GetUtcNow()) is { } refusal)
        {
            http.Response.Headers.WWWAuthenticate = Challenge;
            return GossipApi.Problem(refusal);
        }

        http.Features.Set(new BufferedBody(body!));
        return await next(context);
    }
}

/// <summary>A request body the <see cref="MacFilter"/> has already read, for the handler.</summary>
public sealed record BufferedBody(byte[] Body);
