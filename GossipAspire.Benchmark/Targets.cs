namespace GossipAspire.Benchmark;

/// <summary>
/// The goals a run is held against, printed next to its figures. Without an injected delay: p99 under 50 ms,
/// at most 1.2 × (N − 1) requests per change (a change told once to every other node, plus 20 %), freshness at
/// least 99.9 %. With a delay (the Maelstrom comparison, defined at 100 ms and scaled for other delays): median
/// under 2.5 delays and maximum under 4, the same request budget, and beside them the Maelstrom broadcast
/// challenge's own bar (median under 400 ms, maximum under 600 ms, under 30 messages per operation, at 100 ms).
/// </summary>
public static class Targets
{
    public const string Ours = "GossipAspire";
    public const string Maelstrom = "Maelstrom 3e";

    /// <summary>Published figures to read the delay runs against, not goals.</summary>
    public const string MaelstromReference =
        "Maelstrom 3e at 25 nodes, 100 ms: best public ~180 ms median / ~210 ms max (with a hub); a spanning tree ~386 / ~505 ms.";

    public static IReadOnlyList<TargetResult> Evaluate(BenchmarkReport report)
    {
        var nodes = report.Settings.Nodes;
        var latency = report.Latency;
        var requests = report.Traffic.RequestsPerChange;
        var budget = 1.2 * (nodes - 1);
        var results = new List<TargetResult>();
        if (report.Settings.DelayMs <= 0)
        {
            results.Add(Below("latency p99", latency.P99Ms, 50, "ms", Ours));
            results.Add(AtMost("requests per change", requests, budget, $"1.2 × (N−1) = {budget:0.#}", Ours));
            results.Add(AtLeast("freshness", report.Freshness.Share * 100, 99.9, "%", Ours));
        }
        else
        {
            var scale = report.Settings.DelayMs / 100.0;
            results.Add(Below("latency median", latency.P50Ms, 250 * scale, "ms", Ours));
            results.Add(Below("latency max", latency.MaxMs, 400 * scale, "ms", Ours));
            results.Add(AtMost("requests per change", requests, budget, $"1.2 × (N−1) = {budget:0.#}", Ours));
            results.Add(Below("latency median", latency.P50Ms, 400 * scale, "ms", Maelstrom));
            results.Add(Below("latency max", latency.MaxMs, 600 * scale, "ms", Maelstrom));
            results.Add(Below("requests per change", requests, 30, string.Empty, Maelstrom));
        }

        return results;
    }

    private static TargetResult Below(string metric, double? value, double limit, string unit, string source) =>
        new(metric, $"< {limit:0.#}{Space(unit)}", source, value, value is { } v ? v < limit : null);

    private static TargetResult AtLeast(string metric, double? value, double limit, string unit, string source) =>
        new(metric, $"≥ {limit:0.0##}{Space(unit)}", source, value, value is { } v ? v >= limit : null);

    private static TargetResult AtMost(string metric, double? value, double limit, string text, string source) =>
        new(metric, $"≤ {text}", source, value, value is { } v ? v <= limit : null);

    private static string Space(string unit) => unit.Length == 0 ? unit : " " + unit;
}
