using System.Globalization;
using GossipAspire.Dashboard.Gossip;
using GossipAspire.Dashboard.Otlp.Storage;
using Microsoft.AspNetCore.Components;

namespace GossipAspire.Dashboard.Components.Pages;

public partial class Gossip : IDisposable
{
    private GossipSnapshot _snapshot = GossipSnapshot.Empty;
    private Dictionary<string, (double X, double Y)> _positions = [];
    private Subscription? _subscription;

    [Inject]
    public required GossipMonitor Monitor { get; init; }

    [Inject]
    public required TelemetryRepository Repository { get; init; }

    protected override void OnInitialized()
    {
        Load();
        _subscription = Monitor.Subscribe(() => InvokeAsync(() =>
        {
            Load();
            StateHasChanged();
        }));
    }

    private void Load()
    {
        _snapshot = Monitor.Snapshot;
        var nodes = _snapshot.Nodes;
        _positions = [];
        for (var i = 0; i < nodes.Count; i++)
        {
            var angle = 2 * Math.PI * i / Math.Max(1, nodes.Count) - Math.PI / 2;
            _positions[nodes[i].Id] = (200 + 120 * Math.Cos(angle), 150 + 120 * Math.Sin(angle));
        }
    }

    private (double X, double Y) Position(string id) => _positions.TryGetValue(id, out var p) ? p : (200, 150);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Each known peer link once; mutual when both ends list each other.</summary>
    private IEnumerable<(string A, string B, bool Mutual)> Links()
    {
        var known = _snapshot.Nodes.Where(n => n.Reachable).ToDictionary(n => n.Id, n => n.Peers.ToHashSet());
        var seen = new HashSet<(string, string)>();
        foreach (var (id, peers) in known)
        {
            foreach (var peer in peers.Where(_positions.ContainsKey))
            {
                var key = string.CompareOrdinal(id, peer) < 0 ? (id, peer) : (peer, id);
                if (seen.Add(key))
                {
                    var mutual = known.TryGetValue(peer, out var back) && back.Contains(id);
                    yield return (key.Item1, key.Item2, mutual);
                }
            }
        }
    }

    private string Sparkline()
    {
        var history = _snapshot.FreshnessHistory;
        return string.Join(' ', history.Select((v, i) =>
            $"{(i * 120.0 / Math.Max(1, history.Count - 1)).ToString("0.#", CultureInfo.InvariantCulture)},{(30 - v * 28).ToString("0.#", CultureInfo.InvariantCulture)}"));
    }

    /// <summary>The pick counter: the low 20 bits of the version (docs/PROTOCOL.md section 5); the full value is in the title.</summary>
    private static string Counter(long? version) => version is null ? "–" : (version.Value & 0xFFFFF).ToString(CultureInfo.InvariantCulture);

    private static string CellTitle(MatrixCell cell) => cell.Version is null
        ? $"{cell.Observer} has not heard of {cell.Origin}"
        : $"{cell.Observer} holds {cell.Origin} v{cell.Version} \"{cell.Book}\"{(cell.Fresh ? "" : $"; current is v{cell.CurrentVersion}")}";

    private static string ShortId(string id) => id.Length <= 6 ? id : id[^5..];

    /// <summary>An origin's column: its resource name under the AppHost, else (the end of) its id.</summary>
    private string ColumnLabel(string origin) =>
        _snapshot.Reachable.FirstOrDefault(n => n.Id == origin && n.ResourceName is not null)?.ResourceName ?? ShortId(origin);

    public void Dispose() => _subscription?.Dispose();
}
