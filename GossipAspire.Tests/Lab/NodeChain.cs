using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GossipAspire.Tests.Node;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Lab;

/// <summary>
/// Real node processes in a chain (each seeded with the one before it, so only following peers finds them all),
/// picking only when a test tells them to. Stopped by PID when disposed.
/// </summary>
public sealed class NodeChain : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private NodeChain(List<NodeProcess> nodes) => _nodes = nodes;

    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    public IReadOnlyList<string> Ids => [.. Ports.Select(p => p.ToString(CultureInfo.InvariantCulture))];

    public string Url(int index) => $"http://127.0.0.1:{_nodes[index].Port}";

    /// <summary>
    /// Starts the chain. <paramref name="oneByOne"/>: each node only once the one before it answers, so each
    /// newcomer's first digest round (with its seed) hands it the world as its seed holds it.
    /// </summary>
    public static async Task<NodeChain> StartAsync(ITestOutputHelper output, int count, bool oneByOne = false)
    {
        var ports = NodeProcess.FreePorts(count);
        var chain = new NodeChain([]);
        for (var i = 0; i < count; i++)
        {
            string[] seed = i == 0 ? [] : ["--seed", ports[i - 1].ToString(CultureInfo.InvariantCulture)];
            chain._nodes.Add(NodeProcess.Start(output, ports[i], [.. seed, "--Gossip:PickInterval=01:00:00"]));
            if (oneByOne)
            {
                await chain.WaitAnsweringAsync(ports[..(i + 1)]);
            }
        }

        await chain.WaitAnsweringAsync(ports);
        return chain;
    }

    private async Task WaitAnsweringAsync(IReadOnlyList<int> ports) =>
        await Eventually.WaitAsync(async () =>
        {
            foreach (var port in ports)
            {
                try
                {
                    using var response = await _http.GetAsync($"http://127.0.0.1:{port}/state/");
                    if (!response.IsSuccessStatusCode)
                    {
                        return $"{port}: HTTP {(int)response.StatusCode}";
                    }
                }
                catch (HttpRequestException ex)
                {
                    return $"{port}: {ex.Message}";
                }
            }

            return null;
        }, TimeSpan.FromSeconds(60), "every node answering /state/");

    /// <summary>Makes node <paramref name="index"/> pick now; its new version.</summary>
    public async Task<long> PickAsync(int index)
    {
        using var response = await _http.PostAsync($"{Url(index)}/pick/", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
    }

    /// <summary>The node's own history event for (origin, version), straight from its /history/.</summary>
    public async Task<JsonElement?> HistoryEventAsync(int index, string origin, long version)
    {
        var page = await _http.GetFromJsonAsync<JsonElement>($"{Url(index)}/history/?after=0&limit=10000");
        foreach (var e in page.GetProperty("events").EnumerateArray())
        {
            if (e.GetProperty("origin").GetString() == origin && e.GetProperty("version").GetInt64() == version)
            {
                return e;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
