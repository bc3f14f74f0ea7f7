using System.Net.Http.Json;
using System.Text.Json;

namespace GossipAspire.Tests.Node;

/// <summary>Reads nodes through their <c>/state/</c> documents and waits, with a deadline, for a condition.</summary>
public static class NodeClient
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public sealed record State(string Id, long Version, string Book, IReadOnlyList<string> Peers, IReadOnlyDictionary<string, (long Version, string Book)> World);

    public static async Task<State?> TryGetStateAsync(HttpClient client, Uri node, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(node, "state/"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            var world = root.GetProperty("world").EnumerateObject()
                .ToDictionary(p => p.Name, p => (p.Value.GetProperty("version").GetInt64(), p.Value.GetProperty("book").GetString()!), StringComparer.Ordinal);
            return new State(
                root.GetProperty("id").GetString()!,
                root.GetProperty("version").GetInt64(),
                root.GetProperty("book").GetString()!,
                [.. root.GetProperty("peers").EnumerateArray().Select(p => p.GetString()!)],
                world);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not up yet, or too busy to answer within the client's timeout: not an answer, ask again.
            return null;
        }
    }

    public static async Task<(long Version, string Book)> PickAsync(HttpClient client, Uri node, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(new Uri(node, "pick/"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (document.RootElement.GetProperty("version").GetInt64(), document.RootElement.GetProperty("book").GetString()!);
    }

    /// <summary>Polls all nodes until <paramref name="done"/> holds for their states; fails with the last states when the deadline passes.</summary>
    public static async Task<IReadOnlyList<State>> WaitUntilAsync(
        HttpClient client, IReadOnlyList<Uri> nodes, Func<IReadOnlyList<State>, bool> done, string what, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        List<State?> states = [];
        try
        {
            while (true)
            {
                states = [.. await Task.WhenAll(nodes.Select(n => TryGetStateAsync(client, n, deadline.Token)))];
                if (states.All(s => s is not null) && done(states!))
                {
                    return states!;
                }

                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var seen = string.Join("\n", states.Select(s => s is null
                ? "  (no answer)"
                : $"  {s.Id}: v{s.Version} peers [{string.Join(",", s.Peers)}] world {{{string.Join(", ", s.World.Select(w => $"{w.Key}:v{w.Value.Version}"))}}}"));
            throw new TimeoutException($"Not {what} within {Deadline.TotalSeconds} s. Last states:\n{seen}");
        }
    }

    /// <summary>True when every node holds, for every node, the version that node itself reports.</summary>
    public static bool Converged(IReadOnlyList<State> states) =>
        states.All(observer => states.All(origin =>
            observer.World.TryGetValue(origin.Id, out var held) && held.Version == origin.Version && held.Book == origin.Book));
}
