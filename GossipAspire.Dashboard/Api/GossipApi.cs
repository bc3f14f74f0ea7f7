using GossipAspire.Dashboard.Authentication;
using GossipAspire.Dashboard.Gossip;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GossipAspire.Dashboard.Api;

public sealed record GossipNodeSummary(string Id, string Url, string? Resource, bool Reachable, string? Error, long Version, string Book, IReadOnlyList<string> Peers);

public sealed record GossipCellSummary(string Observer, string Origin, long? Version, bool Fresh);

public sealed record GossipSummary(DateTime? At, double? Freshness, IReadOnlyList<GossipNodeSummary> Nodes, IReadOnlyList<GossipCellSummary> Matrix);

/// <summary><c>GET /api/gossip</c>: the Gossip page's data (nodes, the who-knows-what matrix, freshness) for tools.</summary>
public static class GossipApi
{
    public static RouteGroupBuilder MapGossipApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/gossip").RequireAuthorization(FrontendAuthentication.PolicyName);
        group.MapGet("", GetGossip);
        return group;
    }

    public static Ok<GossipSummary> GetGossip(GossipMonitor monitor)
    {
        var snapshot = monitor.Snapshot;
        var matrix = snapshot.Reachable
            .SelectMany(observer => snapshot.Origins.Select(origin => snapshot.Cell(observer, origin)))
            .Select(c => new GossipCellSummary(c.Observer, c.Origin, c.Version, c.Fresh))
            .ToList();
        return TypedResults.Ok(new GossipSummary(
            snapshot.At == DateTime.MinValue ? null : snapshot.At,
            snapshot.Freshness,
            [.. snapshot.Nodes.Select(n => new GossipNodeSummary(n.Id, n.Url, n.ResourceName, n.Reachable, n.Error, n.Version, n.Book, n.Peers))],
            matrix));
    }
}
