using System.Globalization;
using System.Text.Json;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>
/// One hostile run: fake ids fed and how many envelopes were not answered 200, how many fake origins every node came
/// to hold (they were taken as news, and so learned as peers), the most fake ids one node listed as peers at once,
/// the seconds from the end of the feed until no node listed any, and how the real picks made meanwhile spread
/// (pick to the last real node, in milliseconds).
/// </summary>
public sealed record HostileResult(
    int FakePeers,
    int EnvelopesNotOk,
    double FeedSeconds,
    int FakeOriginsHeldByEvery,
    int PeakFakePeers,
    double? DroppedSeconds,
    int Picks,
    int PicksLearnedByAll,
    IReadOnlyList<string> PickFailures,
    double? PickMedianMs,
    double? PickMaxMs,
    IReadOnlyList<double> PickLatenciesMs);

/// <summary>
/// Hundreds of fake peer ids with nothing listening, fed to the nodes the way any stranger could (issue 9, section 4,
/// "Hostile peers"): one <c>POST /gossip/</c> per fake id, its envelope's <c>client_id</c> and its one message's
/// origin naming a loopback port where nothing listens (ttl 3, so receivers forward it). Real picks go on at the
/// real nodes meanwhile; they must still reach every real node, and the fake ids must be dropped.
/// </summary>
public static class HostileScenario
{
    private const int FeedConcurrency = 8;

    public static async Task<HostileResult> RunAsync(LocalCluster cluster, ReliabilitySettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var nodes = cluster.Clients;
        var agreed = await ClusterWatch.UntilAsync(nodes, ClusterWatch.Agree, TimeSpan.FromMilliseconds(100), settings.Deadline, cancellationToken)
            ?? throw new BenchmarkException("the nodes did not agree before the hostile feed");
        var book = agreed.States[0].Book ?? "Middlemarch by George Eliot";
        var fakes = LocalCluster.UnusedPorts(settings.HostilePeers, nodes.Select(n => n.BaseAddress.Port))
            .Select(p => p.ToString(CultureInfo.InvariantCulture)).ToList();
        var fakeSet = fakes.ToHashSet(StringComparer.Ordinal);

        using var stopPicks = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchUntil = DateTimeOffset.UtcNow + settings.HostileWatch;
        var picking = PickDriver.RunAsync(nodes, settings.PickEvery, stopPicks.Token, cancellationToken);
        PickRun picks;
        int notOk;
        double feedSeconds;
        var peak = 0;
        var fakeOrigins = 0;
        double? dropped = null;
        try
        {
            log($"hostile: feeding {fakes.Count} fake peer ids (loopback ports with nothing listening) to the {nodes.Count} nodes, one envelope each; real picks every {Duration.Format(settings.PickEvery)}");
            var feedStart = DateTimeOffset.UtcNow;
            var fed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
            var watching = WatchPeerListsAsync(nodes, fakeSet, fed.Task, settings.Deadline, cancellationToken);
            notOk = await FeedAsync(nodes, fakes, book, cancellationToken);
            var fedAt = DateTimeOffset.UtcNow;
            fed.SetResult(fedAt);
            feedSeconds = (fedAt - feedStart).TotalSeconds;
            (peak, fakeOrigins, var gone) = await watching;
            dropped = gone is { } at ? Math.Max(0, (at - fedAt).TotalSeconds) : null;

            if (watchUntil > DateTimeOffset.UtcNow)
            {
                await Task.Delay(watchUntil - DateTimeOffset.UtcNow, cancellationToken);
            }
        }
        finally
        {
            await stopPicks.CancelAsync();
            picks = await picking;
        }

        // Every real pick must reach every real node; the histories say when each got it.
        var wanted = picks.Changes.GroupBy(c => c.Origin, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(c => c.Version), StringComparer.Ordinal);
        await ClusterWatch.UntilAsync(
            nodes,
            states => states.All(s => wanted.All(w => w.Key == s.Id || (s.World?.TryGetValue(w.Key, out var held) == true && held.Version >= w.Value))),
            TimeSpan.FromMilliseconds(100),
            settings.Deadline,
            cancellationToken);
        var histories = new Dictionary<string, IReadOnlyList<HistoryEvent>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            histories[node.Id] = (await node.GetHistoryAsync(0, cancellationToken)).Events;
        }

        var outcomes = new Analysis(histories).Spread(picks.Changes);
        var latencies = outcomes.Where(o => o.LearnedByAll).Select(o => Math.Round(o.LatencyMs!.Value, 3)).ToList();
        var result = new HostileResult(
            fakes.Count,
            notOk,
            Math.Round(feedSeconds, 3),
            fakeOrigins,
            peak,
            FigureText.Round(dropped),
            outcomes.Count,
            latencies.Count,
            picks.Failures,
            latencies.Count > 0 ? Math.Round(Statistics.Median(latencies), 3) : null,
            latencies.Count > 0 ? latencies.Max() : null,
            latencies);
        log(string.Create(CultureInfo.InvariantCulture,
            $"hostile: fed in {feedSeconds:0.00} s ({notOk} envelopes not answered 200); every node holds {fakeOrigins} fake origins; at most {peak} fake ids in one peer list; none left {FigureText.Seconds(result.DroppedSeconds)} after the feed; {latencies.Count} of {outcomes.Count} real picks reached every real node, median {result.PickMedianMs:0.0} ms, max {result.PickMaxMs:0.0} ms"));
        return result;
    }

    /// <summary>
    /// Reads every node's peer list from the start of the feed until, after it, none lists a fake id (or the deadline):
    /// answers the most fake ids one list held, the fake origins every node holds by then, and when none was left.
    /// </summary>
    private static async Task<(int Peak, int FakeOrigins, DateTimeOffset? Gone)> WatchPeerListsAsync(
        IReadOnlyList<NodeClient> nodes, IReadOnlySet<string> fakes, Task<DateTimeOffset> fed, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var peak = 0;
        var origins = 0;
        while (true)
        {
            if (await ClusterWatch.TryReadAsync(nodes, cancellationToken) is { } seen)
            {
                var listed = seen.States.Select(s => s.Peers?.Count(fakes.Contains) ?? 0).ToList();
                peak = Math.Max(peak, listed.Max());
                origins = seen.States.Min(s => s.World?.Keys.Count(fakes.Contains) ?? 0);
                if (fed.IsCompleted && listed.All(n => n == 0))
                {
                    return (peak, origins, seen.At);
                }
            }

            if (fed.IsCompleted && DateTimeOffset.UtcNow > await fed + deadline)
            {
                return (peak, origins, null);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>One envelope per fake id, to the nodes in turn, a few at a time; answers how many were not answered 200.</summary>
    private static async Task<int> FeedAsync(IReadOnlyList<NodeClient> nodes, IReadOnlyList<string> fakes, string book, CancellationToken cancellationToken)
    {
        var notOk = 0;
        using var gate = new SemaphoreSlim(FeedConcurrency);
        await Task.WhenAll(fakes.Select(async (fake, i) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var status = await nodes[i % nodes.Count].PostGossipAsync(Envelope(fake, book), cancellationToken);
                if (status != 200)
                {
                    Interlocked.Increment(ref notOk);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                Interlocked.Increment(ref notOk);
            }
            finally
            {
                gate.Release();
            }
        }));
        return notOk;
    }

    /// <summary>What a stranger sends: it names itself (a port nobody listens on) and announces a book as that origin.</summary>
    public static byte[] Envelope(string fake, string book)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("client_id", fake);
            json.WriteStartArray("messages");
            json.WriteStartObject();
            json.WriteString("uuid", Guid.NewGuid().ToString());
            json.WriteString("client_id", fake);
            json.WriteNumber("ttl", 3);
            json.WriteStartObject("payload");
            json.WriteNumber("version", 1);
            json.WriteString("book", book);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
