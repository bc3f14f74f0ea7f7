using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The gossip nodes of a running AppHost as a tool sees them (docs/PROTOCOL.md section 6): each node's
/// <c>GET /state/</c> and <c>POST /pick/</c>, and waits that poll the nodes until a condition holds or a deadline
/// passes, failing with what was still missing. It does not own the application; the test stops it.
/// </summary>
internal sealed class GossipNodes(DistributedApplication app, ITestOutputHelper output, int count) : IDisposable
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(250);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>node-1 ... node-N, as the AppHost names them.</summary>
    public IReadOnlyList<string> Names { get; } = [.. Enumerable.Range(1, count).Select(k => $"node-{k}")];

    /// <summary>A node's id: the port it listens on (docs/PROTOCOL.md section 1).</summary>
    public string IdOf(string name) => app.GetEndpoint(name).Port.ToString(CultureInfo.InvariantCulture);

    public IReadOnlyList<string> Except(params string[] names) => [.. Names.Except(names)];

    /// <summary>The process id Aspire reports for a running project resource (its <c>executable.pid</c> property).</summary>
    public static int? Pid(Aspire.Hosting.ApplicationModel.CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, CultureInfo.InvariantCulture, out var pid) => pid,
            _ => null,
        };

    public async Task WaitAllHealthyAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Names.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, cancellationToken)));
        output.WriteLine($"all {Names.Count} nodes healthy after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    /// <summary>
    /// A <c>POST /digest/</c> with no MAC header, as a tool without the key would send it: the status code and media type of
    /// the answer (401 problem+json from a node with a keyring, 200 from an open one).
    /// </summary>
    public async Task<(System.Net.HttpStatusCode Status, string? MediaType)> PostUnsignedDigestAsync(string name, CancellationToken cancellationToken)
    {
        var sender = IdOf(Names.First(n => n != name)); // a member of the cluster, so an open node learns no stranger
        using var content = JsonContent.Create(new { client_id = sender, versions = new Dictionary<string, long>() });
        using var response = await _http.PostAsync(new Uri(app.GetEndpoint(name), "/digest/"), content, cancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// <c>GET /state/</c>, with a trace context whose sampled flag is off (as the dashboard's own polls): the
    /// tests' reads are not the application's work, and four a second per node would crowd the gossip's traces
    /// in a dashboard.
    /// </summary>
    public async Task<NodeState> GetStateAsync(string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.GetEndpoint(name), "/state/"));
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<NodeState>(JsonOptions, cancellationToken)
            ?? throw new InvalidDataException($"{name} answered GET /state/ with null");
    }

    /// <summary>The nodes' states, asked in parallel so they describe about the same moment.</summary>
    public async Task<IReadOnlyDictionary<string, NodeState>> GetStatesAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var distinct = names.Distinct().ToArray();
        var states = await Task.WhenAll(distinct.Select(n => GetStateAsync(n, cancellationToken)));
        return distinct.Zip(states).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary><c>POST /pick/</c>: the node picks <paramref name="book"/> (or a book of its own choosing) now.</summary>
    public async Task<PickAnswer> PickAsync(string name, string? book, CancellationToken cancellationToken)
    {
        using var content = book is null ? null : JsonContent.Create(new PickRequest(book), options: JsonOptions);
        using var response = await _http.PostAsync(new Uri(app.GetEndpoint(name), "/pick/"), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /pick/ at {name} answered {(int)response.StatusCode}: {body}");
        var answer = JsonSerializer.Deserialize<PickAnswer>(body, JsonOptions)!;
        output.WriteLine($"{name} ({IdOf(name)}) picked '{answer.Book}' at version {answer.Version}");
        return answer;
    }

    /// <summary>
    /// Polls <paramref name="missing"/> until it answers null (nothing missing any more) and fails once
    /// <paramref name="timeout"/> has passed, with its last answer. A node that does not answer counts as "not yet".
    /// </summary>
    public async Task WaitUntilAsync(string what, Func<CancellationToken, Task<string?>> missing, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            string? stillMissing;
            try
            {
                stillMissing = await missing(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidDataException
                || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                stillMissing = $"a node did not answer: {ex.Message}";
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (stillMissing is null)
            {
                output.WriteLine($"{what}: after {elapsed.TotalSeconds:0.0} s");
                return;
            }

            if (elapsed > timeout)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0} s. Still missing: {stillMissing}");
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Null once every observer's world holds every origin at the version that origin reports for itself; else
    /// which cells differ.
    /// </summary>
    public async Task<string?> DisagreementAsync(IReadOnlyCollection<string> observers, IReadOnlyCollection<string> origins, CancellationToken cancellationToken)
    {
        var states = await GetStatesAsync(observers.Concat(origins), cancellationToken);
        var problems = new List<string>();
        foreach (var observer in observers)
        {
            foreach (var origin in origins)
            {
                var own = states[origin];
                if (!states[observer].World.TryGetValue(own.Id, out var held))
                {
                    problems.Add($"{observer} has not heard of {origin}");
                }
                else if (held.Version != own.Version)
                {
                    problems.Add($"{observer} holds {origin} at {held.Version}, {origin} is at {own.Version}");
                }
            }
        }

        return problems.Count == 0 ? null : $"{problems.Count} of {observers.Count * origins.Count} cells: {string.Join("; ", problems.Take(6))}";
    }

    /// <summary>Waits until every observer's world and every origin agree (see <see cref="DisagreementAsync"/>).</summary>
    public Task WaitConvergedAsync(IReadOnlyCollection<string> observers, IReadOnlyCollection<string> origins, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitUntilAsync(
            $"{Describe(observers)} holding {Describe(origins)} at their own versions",
            ct => DisagreementAsync(observers, origins, ct),
            timeout,
            cancellationToken);

    /// <summary>Waits until every observer holds <paramref name="pick"/> of <paramref name="origin"/>: that version and that book.</summary>
    public Task WaitForPickAsync(string origin, PickAnswer pick, IReadOnlyCollection<string> observers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var originId = IdOf(origin);
        return WaitUntilAsync(
            $"{origin}'s pick {pick.Version} reaching {observers.Count} nodes",
            async ct =>
            {
                var states = await GetStatesAsync(observers, ct);
                var behind = states
                    .Where(s => !s.Value.World.TryGetValue(originId, out var held) || held.Version != pick.Version || held.Book != pick.Book)
                    .Select(s => $"{s.Key} holds {(s.Value.World.TryGetValue(originId, out var held) ? $"{held.Version} '{held.Book}'" : "nothing")}")
                    .ToArray();
                return behind.Length == 0 ? null : string.Join("; ", behind);
            },
            timeout,
            cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private string Describe(IReadOnlyCollection<string> names) =>
        names.Count == Names.Count ? $"all {names.Count} nodes" : names.Count == 1 ? names.First() : $"{names.Count} nodes";

    private sealed record PickRequest(string Book);
}

/// <summary>The parts of a node's <c>GET /state/</c> document the tests read (docs/PROTOCOL.md section 6).</summary>
internal sealed record NodeState(string Id, long Version, string? Book, IReadOnlyList<string> Peers, IReadOnlyDictionary<string, WorldEntry> World);

internal sealed record WorldEntry(long Version, string? Book, DateTimeOffset? PickedAt, DateTimeOffset? ReceivedAt);

/// <summary>The answer to <c>POST /pick/</c>.</summary>
internal sealed record PickAnswer(long Version, string Book);
