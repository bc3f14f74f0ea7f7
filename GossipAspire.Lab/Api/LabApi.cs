using System.Globalization;
using GossipAspire.Lab.Changes;
using GossipAspire.Lab.Monitoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GossipAspire.Lab.Api;

/// <summary>
/// The Lab's data for tests and tools: <c>GET /api/network</c> (nodes, matrix, freshness),
/// <c>GET /api/changes?limit=N</c> (newest first) and <c>GET /api/changes/{id}</c> (one change's tree).
/// Bad input gets 400 and an unknown change 404, both as application/problem+json.
/// </summary>
public static class LabApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1_000;

    public static RouteGroupBuilder MapLabApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api");
        group.MapGet("/network", GetNetwork);
        group.MapGet("/changes", GetChanges);
        group.MapGet("/changes/{id}", GetChange);
        return group;
    }

    public static Ok<NetworkModel> GetNetwork(NetworkMonitor monitor, ChangeLog changes)
    {
        var network = monitor.Snapshot;
        var matrix = network.Reachable
            .SelectMany(observer => network.Origins.Select(origin => network.Cell(observer, origin)))
            .Select(c => new MatrixCellModel(c.Observer, c.Origin, c.Version, c.Counter, c.Fresh, c.Version is { } v ? changes.IdOf(c.Origin, v) : null))
            .ToList();
        return TypedResults.Ok(new NetworkModel(
            network.At,
            network.Freshness,
            [.. network.Nodes.Select(n => new NetworkNodeModel(
                n.Name, n.Id, n.ResourceName, n.Url, n.Reachable, n.Error,
                n.Reachable ? n.Version : null, n.Reachable ? n.Version & 0xFFFFF : null, n.Reachable ? n.Book : null,
                n.Peers, n.History.ToString(), n.StartedAt))],
            network.Origins,
            matrix));
    }

    public static Results<Ok<ChangeListModel>, ProblemHttpResult> GetChanges(string? limit, NetworkMonitor monitor, ChangeLog changes, TraceLinks links)
    {
        var count = DefaultLimit;
        if (limit is not null
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxLimit))
        {
            return TypedResults.Problem(
                $"limit must be a whole number from 1 to {MaxLimit} (got '{limit}').", statusCode: StatusCodes.Status400BadRequest, title: "Invalid query");
        }

        var network = monitor.Snapshot;
        return TypedResults.Ok(new ChangeListModel(changes.Count, [.. changes.Recent(count).Select(c => Summary(c, network, links))]));
    }

    public static Results<Ok<ChangeDetailModel>, ProblemHttpResult> GetChange(string id, NetworkMonitor monitor, ChangeLog changes, TraceLinks links)
    {
        if (!ChangeLog.IsWellFormedId(id))
        {
            return TypedResults.Problem(
                "A change id is its message uuid, or origin@version for a change whose nodes gave no uuid.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid change id");
        }

        if (changes.Find(id) is not { } change)
        {
            return TypedResults.Problem(
                $"The Lab holds no change '{id}'. It keeps the newest changes it has read from the nodes' histories ({changes.Count} now).",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown change");
        }

        var network = monitor.Snapshot;
        var tree = PropagationTree.Build(change, network);
        return TypedResults.Ok(new ChangeDetailModel(
            Summary(change, network, links, tree),
            tree.MaxHop,
            [.. tree.Nodes.Select(n => new TreeNodeModel(
                n.Node, n.Name, n.Parent?.Node, n.Receipt?.From, n.Hop, n.Depth, n.Receipt?.ReceivedAt,
                n.AfterSender?.TotalMilliseconds, n.AfterPick?.TotalMilliseconds, n.Duplicates, n.Repair, n.SenderUnknown))],
            [.. tree.Missing.Select(m => new MissingNodeModel(m.Node, m.Name, m.Reason))]));
    }

    /// <summary>Nodes known to a change: those that hold it, and every node the Lab watches.</summary>
    public static int NodesKnown(ChangeRecord change, NetworkSnapshot network) =>
        change.Receipts.Select(r => r.Node).Union(network.Nodes.Select(n => n.Id), StringComparer.Ordinal).Count();

    private static ChangeSummaryModel Summary(ChangeRecord change, NetworkSnapshot network, TraceLinks links, PropagationTree? tree = null) => new(
        change.Id,
        change.Uuid,
        change.Origin,
        network.NameOf(change.Origin),
        change.Version,
        change.Counter,
        change.Book,
        change.PickedAt,
        change.Receipts.Count,
        tree?.NodesKnown ?? NodesKnown(change, network),
        network.CurrentVersion(change.Origin) > change.Version,
        change.TimeToLastNode?.TotalMilliseconds,
        change.Duplicates,
        change.TraceId,
        links.For(change.TraceId));
}
