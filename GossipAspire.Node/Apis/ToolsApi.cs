using System.Globalization;
using System.Text;
using System.Text.Json;
using GossipAspire.Node.Gossip;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Apis;

/// <summary>What people and tools read and do: <c>GET /</c>, <c>GET /state/</c>, <c>POST /pick/</c>, <c>GET /history/</c>.</summary>
public static class ToolsApi
{
    public static IEndpointRouteBuilder MapToolsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", GetText);
        app.MapGet("/state/", GetState);
        app.MapPost("/pick/", Pick);
        app.MapGet("/history/", GetHistory);
        return app;
    }

    public static Ok<StateDocument> GetState(GossipEngine engine)
    {
        var (version, book) = engine.Current;
        return TypedResults.Ok(new StateDocument(
            engine.Id,
            version,
            book,
            engine.Peers,
            engine.World.ToDictionary(
                e => e.Key,
                e => new WorldView(e.Value.Version, e.Value.Book, e.Value.PickedAt is { } p ? Wire.FormatTime(p) : null, Wire.FormatTime(e.Value.ReceivedAt)),
                StringComparer.Ordinal),
            Wire.FormatTime(engine.StartedAt),
            engine.Stats,
            engine.GemProtocolPeers));
    }

    public static string GetText(GossipEngine engine)
    {
        var (version, book) = engine.Current;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Node {engine.Id}: \"{book}\" (version {version})\n");
        text.Append(CultureInfo.InvariantCulture, $"Peers: {string.Join(", ", engine.Peers)}\n");
        text.Append("World:\n");
        foreach (var (origin, entry) in engine.World)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {origin,-8} v{entry.Version,-18} {entry.Book}\n");
        }

        return text.ToString();
    }

    public static async Task<Results<Ok<PickResult>, ProblemHttpResult>> Pick(
        HttpRequest request, GossipEngine engine, BookList books, IOptions<GossipOptions> options, CancellationToken cancellationToken)
    {
        var (body, tooLarge) = await BodyReader.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return GossipApi.TooLarge(options.Value.MaxBodyBytes);
        }

        string? book = null;
        if (body is { Length: > 0 } && body.AsSpan().IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            if (!Wire.TryCheckText(body, out var textError))
            {
                return TypedResults.Problem($"The body must be {{\"book\": \"...\"}} or empty: {textError}", statusCode: 400, title: "Invalid pick");
            }

            PickRequest? pick;
            try
            {
                pick = JsonSerializer.Deserialize(body, NodeJsonContext.Default.PickRequest);
            }
            catch (JsonException exception)
            {
                return TypedResults.Problem($"The body must be {{\"book\": \"...\"}} or empty: {exception.Message}", statusCode: 400, title: "Invalid pick");
            }

            book = pick?.Book;
            if (book is not null && !books.Contains(book))
            {
                return TypedResults.Problem($"\"{book}\" is not a line of this node's book list.", statusCode: 400, title: "Unknown book");
            }
        }

        var (version, picked) = engine.Pick(book);
        return TypedResults.Ok(new PickResult(version, picked));
    }

    /// <summary>The most events one <c>GET /history/</c> answer may be asked for (<c>limit</c>), and its default.</summary>
    public const int MaxHistoryLimit = 10_000;
    public const int DefaultHistoryLimit = 1000;

    public static Results<Ok<HistoryPage>, ProblemHttpResult> GetHistory(HttpRequest request, GossipEngine engine)
    {
        long after = 0;
        var text = request.Query["after"].ToString();
        if (text.Length > 0 && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return TypedResults.Problem($"after must be a whole number of at least 0 (got '{text}').", statusCode: 400, title: "Invalid query");
        }

        var limit = DefaultHistoryLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxHistoryLimit))
        {
            return TypedResults.Problem($"limit must be a whole number from 1 to {MaxHistoryLimit} (got '{limitText}').", statusCode: 400, title: "Invalid query");
        }

        var page = engine.History(after, limit);
        return TypedResults.Ok(new HistoryPage(page.Next, page.Oldest, page.Evicted, [.. page.Events.Select(ToItem)]));
    }

    private static HistoryItem ToItem(HistoryEvent e) => new(
        e.Seq, e.Origin, e.Version, e.Book, e.PickedAt is { } p ? Wire.FormatTime(p) : null, Wire.FormatTime(e.ReceivedAt),
        e.Uuid, e.From, e.Hop, e.TraceId, e.Duplicates, e.Repair);
}
