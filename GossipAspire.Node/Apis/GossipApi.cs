using System.Globalization;
using GossipAspire.Node.Gossip;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Apis;

/// <summary>The endpoints nodes call on each other: the gem's <c>/peers/</c> and <c>/gossip/</c>, and our <c>/digest/</c>.</summary>
public static class GossipApi
{
    public const string BadEnvelopeTitle = "Invalid gossip envelope";
    public const string TooLargeTitle = "Request body too large";

    public static IEndpointRouteBuilder MapGossipApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/peers/", GetPeers);
        app.MapGet("/peers/{client_id}", Introduce);
        app.MapPost("/gossip/", PostGossip);
        app.MapPost("/digest/", PostDigest);
        return app;
    }

    public static Ok<IReadOnlyList<string>> GetPeers(GossipEngine engine) => TypedResults.Ok(engine.Peers);

    public static Results<Ok<IReadOnlyList<string>>, ProblemHttpResult> Introduce(string client_id, GossipEngine engine)
    {
        if (!PeerId.TryNormalize(client_id, out var caller))
        {
            return TypedResults.Problem($"'{client_id}' is not a node id (a port or host:port).", statusCode: 400, title: "Invalid node id");
        }

        return TypedResults.Ok(engine.Introduce(caller));
    }

    public static async Task<Results<Ok<StatusAnswer>, ProblemHttpResult>> PostGossip(
        HttpRequest request, GossipEngine engine, IOptions<GossipOptions> options, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        if (!Wire.TryReadEnvelope(body, out var envelope, out var error))
        {
            return TypedResults.Problem(error, statusCode: 400, title: BadEnvelopeTitle);
        }

        var headers = new GossipHeaders(
            Wire.ParseCovered(request.Headers[Wire.CoveredHeader]),
            ulong.TryParse(request.Headers[Wire.WorldHashHeader], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) ? hash : null);
        engine.Receive(envelope!, headers);
        return TypedResults.Ok(new StatusAnswer("OK"));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PostDigest(
        HttpRequest request, GossipEngine engine, IOptions<GossipOptions> options, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        if (!Wire.TryReadDigest(body, out var digest, out var error))
        {
            return TypedResults.Problem(error, statusCode: 400, title: "Invalid digest");
        }

        return TypedResults.Bytes(Wire.WriteDigestReply(engine.AnswerDigest(digest!)), "application/json");
    }

    internal static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem($"The body is larger than this node's limit of {limit} bytes (Gossip:MaxBodyBytes).", statusCode: 413, title: TooLargeTitle);
}
