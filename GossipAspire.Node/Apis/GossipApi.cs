using GossipAspire.Node.Gossip;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Apis;

/// <summary>
/// The endpoints nodes call on each other: the gem's <c>/peers/</c> and <c>/gossip/</c>, and our <c>/digest/</c>.
/// Every request goes through the <see cref="Admission"/> door before the engine sees any of it; those that carry a
/// MAC (<c>/digest/</c>, <c>/peers/{id}</c>) pass the <see cref="MacFilter"/> first, as one group.
/// </summary>
public static class GossipApi
{
    public const string BadEnvelopeTitle = Admission.BadEnvelopeTitle;
    public const string TooLargeTitle = "Request body too large";

    public static IEndpointRouteBuilder MapGossipApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/peers/", GetPeers);
        app.MapPost("/gossip/", PostGossip);

        var authenticated = app.MapGroup("").AddEndpointFilter<MacFilter>();
        authenticated.MapGet("/peers/{client_id}", Introduce);
        authenticated.MapPost("/digest/", PostDigest);
        return app;
    }

    public static Ok<IReadOnlyList<string>> GetPeers(GossipEngine engine) => TypedResults.Ok(engine.Peers);

    public static Results<Ok<IReadOnlyList<string>>, ProblemHttpResult> Introduce(string client_id, HttpRequest request, GossipEngine engine, Admission admission)
    {
        var admitted = admission.Introduction(client_id, request.Headers);
        if (admitted.Refusal is { } refusal)
        {
            return Problem(refusal);
        }

        return TypedResults.Ok(engine.Introduce(admitted.Value!));
    }

    public static async Task<Results<Ok<StatusAnswer>, ProblemHttpResult>> PostGossip(
        HttpRequest request, GossipEngine engine, Admission admission, IOptions<GossipOptions> options, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        var admitted = admission.Envelope(body, request.Headers);
        if (admitted.Refusal is { } refusal)
        {
            return Problem(refusal);
        }

        engine.Receive(admitted.Value!.Envelope, admitted.Value.Headers);
        return TypedResults.Ok(new StatusAnswer("OK"));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PostDigest(
        HttpRequest request, GossipEngine engine, Admission admission, IOptions<GossipOptions> options, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        var admitted = admission.Digest(body, request.Headers);
        if (admitted.Refusal is { } refusal)
        {
            return Problem(refusal);
        }

        return TypedResults.Bytes(Wire.WriteDigestReply(engine.AnswerDigest(admitted.Value!)), "application/json");
    }

    internal static ProblemHttpResult Problem(Refusal refusal) =>
        TypedResults.Problem(
            refusal.Detail,
            statusCode: refusal.Status,
            title: refusal.Title,
            extensions: refusal.Reason is { } reason ? [new("reason", reason)] : null);

    internal static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem($"The body is larger than this node's limit of {limit} bytes (Gossip:MaxBodyBytes).", statusCode: 413, title: TooLargeTitle);
}
