using System.Diagnostics;
using System.Text.Json;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>What a run of picks did: every change made, how many were asked for, which failed, when the last was answered.</summary>
public sealed record PickRun(IReadOnlyList<Change> Changes, int Attempted, IReadOnlyList<string> Failures, DateTimeOffset LastAnswered, double Seconds)
{
    public double Rate => Seconds > 0 ? Attempted / Seconds : 0;
}

/// <summary>
/// <c>POST /pick/</c> at the given nodes in turn, one every <c>every</c>, each in the background so a slow answer
/// does not hold the next back, until the token says stop; then waits for every answer. A pick that fails (no
/// answer within <see cref="NodeClient.RequestTimeout"/>, or not 200) is recorded, not thrown.
/// </summary>
public static class PickDriver
{
    public static async Task<PickRun> RunAsync(IReadOnlyList<NodeClient> nodes, TimeSpan every, CancellationToken stop, CancellationToken cancellationToken)
    {
        var changes = new List<Change>();
        var failures = new List<string>();
        var pending = new List<Task>();
        var lastAnswered = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(every);
        var attempted = 0;
        try
        {
            do
            {
                var node = nodes[attempted++ % nodes.Count];
                pending.Add(PickAsync(node));
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(pending);
        return new PickRun(changes, attempted, failures, lastAnswered, seconds);

        async Task PickAsync(NodeClient node)
        {
            try
            {
                var result = await node.PickAsync(null, cancellationToken);
                lock (changes)
                {
                    changes.Add(new Change(node.Id, result.Version));
                    lastAnswered = DateTimeOffset.UtcNow;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lock (changes)
                {
                    failures.Add($"pick at node {node.Id} failed: {ex.Message}");
                }
            }
        }
    }

    /// <summary>Picks for <paramref name="span"/>, then stops.</summary>
    public static async Task<PickRun> RunForAsync(IReadOnlyList<NodeClient> nodes, TimeSpan every, TimeSpan span, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(span);
        return await RunAsync(nodes, every, stop.Token, cancellationToken);
    }
}
