namespace GossipAspire.Lab.Api;

public sealed record NetworkNodeModel(
    string Name,
    string Id,
    string? Resource,
    string Url,
    bool Reachable,
    string? Error,
    long? Version,
    long? Counter,
    string? Book,
    IReadOnlyList<string> Peers,
    string History,
    DateTime? StartedAt);

public sealed record MatrixCellModel(string Observer, string Origin, long? Version, long? Counter, bool Fresh, string? Change);

public sealed record NetworkModel(DateTime? At, double? Freshness, IReadOnlyList<NetworkNodeModel> Nodes, IReadOnlyList<string> Origins, IReadOnlyList<MatrixCellModel> Matrix);

public sealed record ChangeSummaryModel(
    string Id,
    string? Uuid,
    string Origin,
    string OriginName,
    long Version,
    long Counter,
    string? Book,
    DateTime? PickedAt,
    int NodesReached,
    int NodesKnown,
    bool Superseded,
    double? TimeToLastNodeMs,
    int Duplicates,
    string? TraceId,
    string? TraceUrl);

public sealed record ChangeListModel(int Kept, IReadOnlyList<ChangeSummaryModel> Changes);

public sealed record TreeNodeModel(
    string Node,
    string Name,
    string? Parent,
    string? From,
    int Hop,
    int Depth,
    DateTime? ReceivedAt,
    double? AfterSenderMs,
    double? AfterPickMs,
    int Duplicates,
    bool Repair,
    bool SenderUnknown);

public sealed record MissingNodeModel(string Node, string Name, string Reason);

public sealed record ChangeDetailModel(ChangeSummaryModel Change, int MaxHop, IReadOnlyList<TreeNodeModel> Tree, IReadOnlyList<MissingNodeModel> Missing);
