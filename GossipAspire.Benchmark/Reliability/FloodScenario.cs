using System.Globalization;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// One flood: picks asked for and made (and the rate reached), pick requests that failed, node-to-node requests
/// that failed meanwhile (from the nodes' own counters), the seconds from the last pick's answer until every node
/// held every node's current version, and each node's RSS before and after, in MiB, with the nodes' median and
/// largest RSS every twelfth of the flood, so a reader can tell growth that levels off from growth that does not.
/// </summary>
public sealed record FloodResult(
    int Picks,
    double RatePerSecond,
    IReadOnlyList<string> PickFailures,
    long NodeRequestsFailed,
    long NodeRequests,
    double? AgreeSeconds,
    IReadOnlyDictionary<string, double> RssStartMiB,
    IReadOnlyDictionary<string, double> RssEndMiB,
    IReadOnlyList<RssSample> RssOverTime);

/// <summary>The nodes' RSS <see cref="Seconds"/> into the flood: median and largest, in MiB.</summary>
public sealed record RssSample(double Seconds, double MedianMiB, double MaxMiB);

/// <summary>
/// Many picks a second at every node in turn for a while (issue 9, section 4, "Flood"): no request may fail, every
/// node must agree shortly after it stops, and memory must stay flat.
/// </summary>
public static class FloodScenario
{
    public static async Task<FloodResult> RunAsync(LocalCluster cluster, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var nodes = cluster.Clients;
        var before = await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(100), settings.Deadline, cancellationToken)
            ?? throw new BenchmarkException("the nodes did not agree before the flood");
        var rssStart = Rounded(cluster.RssMiB());

        var every = TimeSpan.FromSeconds(1.0 / settings.FloodRate);
        log(string.Create(CultureInfo.InvariantCulture, $"flood: {settings.FloodRate} picks a second at the {nodes.Count} nodes in turn for {Duration.Format(settings.FloodFor)}"));
        var samples = new List<RssSample> { Sample(cluster, 0) };
        using var flooding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampling = SampleRssAsync(cluster, settings.FloodFor / 12, samples, flooding.Token);
        var picks = await PickDriver.RunForAsync(nodes, every, settings.FloodFor, cancellationToken);
        await flooding.CancelAsync();
        await sampling;
        var stoppedAt = picks.LastAnswered;

        var agreed = await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(100), settings.Deadline, cancellationToken);
        double? agreeSeconds = agreed is null ? null : ClusterWatch.SecondsSince(stoppedAt, ClusterWatch.LastLearned(agreed.States, agreed.States));
        var after = agreed ?? await ClusterWatch.TryReadAsync(nodes, cancellationToken);
        var rssEnd = Rounded(cluster.RssMiB());
        samples.Add(Sample(cluster, picks.Seconds));

        var failedBefore = before.States.Sum(s => s.Stats?.RequestsFailed ?? 0);
        var sentBefore = before.States.Sum(s => s.Stats?.RequestsSent ?? 0);
        var failed = after is null ? -1 : after.States.Sum(s => s.Stats?.RequestsFailed ?? 0) - failedBefore;
        var sent = after is null ? -1 : after.States.Sum(s => s.Stats?.RequestsSent ?? 0) - sentBefore;
        var result = new FloodResult(picks.Attempted, Math.Round(picks.Rate, 2), picks.Failures, failed, sent, FigureText.Round(agreeSeconds), rssStart, rssEnd, samples);
        log(string.Create(CultureInfo.InvariantCulture,
            $"flood: {picks.Attempted} picks at {picks.Rate:0.0}/s, {picks.Failures.Count} failed; {failed} of {sent} node-to-node requests failed; all agree {FigureText.Seconds(result.AgreeSeconds)} after the last pick; RSS median {Statistics.Median([.. rssStart.Values]):0.0} -> {Statistics.Median([.. rssEnd.Values]):0.0} MiB"));
        foreach (var failure in picks.Failures.Take(5))
        {
            log(failure);
        }

        return result;
    }

    private static async Task SampleRssAsync(LocalCluster cluster, TimeSpan every, List<RssSample> samples, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                samples.Add(Sample(cluster, clock.Elapsed.TotalSeconds));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static RssSample Sample(LocalCluster cluster, double seconds)
    {
        var rss = cluster.RssMiB().Values.ToList();
        return rss.Count == 0
            ? new RssSample(Math.Round(seconds, 1), 0, 0)
            : new RssSample(Math.Round(seconds, 1), Math.Round(Statistics.Median(rss), 1), Math.Round(rss.Max(), 1));
    }

    private static Dictionary<string, double> Rounded(IReadOnlyDictionary<string, double> rss) =>
        rss.ToDictionary(r => r.Key, r => Math.Round(r.Value, 1), StringComparer.Ordinal);
}
