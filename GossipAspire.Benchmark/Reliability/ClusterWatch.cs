using System.Text.Json;

namespace GossipAspire.Benchmark.Reliability;

/// <summary>Some nodes' <c>/state/</c> documents, and when they were read.</summary>
public sealed record Seen(IReadOnlyList<NodeState> States, DateTimeOffset At);

/// <summary>
/// Reads nodes through <c>/state/</c> and waits for conditions on them. Polling only says <em>that</em> something
/// holds; <em>when</em> it came to hold is taken from the nodes' own <c>received_at</c> stamps wherever it can be
/// (<see cref="LastLearned"/>), so the figures do not depend on how often this asks. The nodes share one machine,
/// so one clock.
/// </summary>
public static class ClusterWatch
{
    /// <summary>Every node's state now; null when one of them does not answer (frozen, down, too busy).</summary>
    public static async Task<Seen?> TryReadAsync(IReadOnlyList<NodeClient> nodes, CancellationToken cancellationToken)
    {
        try
        {
            var states = await Task.WhenAll(nodes.Select(n => n.GetStateAsync(cancellationToken)));
            return new Seen(states, DateTimeOffset.UtcNow);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Reads the nodes every <paramref name="every"/> until <paramref name="done"/> holds; null at the deadline.</summary>
    public static async Task<Seen?> UntilAsync(
        IReadOnlyList<NodeClient> nodes, Func<IReadOnlyList<NodeState>, bool> done, TimeSpan every, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow + deadline;
        while (true)
        {
            if (await TryReadAsync(nodes, cancellationToken) is { } seen && done(seen.States))
            {
                return seen;
            }

            if (DateTimeOffset.UtcNow > end)
            {
                return null;
            }

            await Task.Delay(every, cancellationToken);
        }
    }

    /// <summary>True when <paramref name="observer"/> holds every origin's own current version (or a later one).</summary>
    public static bool Holds(NodeState observer, IEnumerable<NodeState> origins) =>
        origins.All(origin => origin.Id == observer.Id
            || (observer.World is { } world && world.TryGetValue(origin.Id, out var held) && held.Version >= origin.Version));

    /// <summary>True when every node holds every node's own current version.</summary>
    public static bool Agree(IReadOnlyList<NodeState> states) => states.All(observer => Holds(observer, states));

    /// <summary>
    /// The latest moment at which one of the <paramref name="observers"/> stored the version it now holds of one of
    /// the <paramref name="origins"/> (observer ≠ origin): once they agree, the moment they came to agree.
    /// </summary>
    public static DateTimeOffset? LastLearned(IEnumerable<NodeState> observers, IReadOnlyList<NodeState> origins)
    {
        DateTimeOffset? last = null;
        foreach (var observer in observers)
        {
            foreach (var origin in origins.Where(o => o.Id != observer.Id))
            {
                if (observer.World is { } world && world.TryGetValue(origin.Id, out var held) && held.ReceivedAt is { } at && (last is null || at > last))
                {
                    last = at;
                }
            }
        }

        return last;
    }

    /// <summary>Seconds from <paramref name="from"/> to <paramref name="to"/>, never below zero (it was so already).</summary>
    public static double SecondsSince(DateTimeOffset from, DateTimeOffset? to) =>
        to is { } end ? Math.Max(0, (end - from).TotalSeconds) : 0;
}
