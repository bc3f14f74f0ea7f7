using System.Net;
using System.Net.Sockets;
using System.Text;
using GossipAspire.Benchmark.Gem;
using GossipAspire.Tests.Node;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace GossipAspire.Tests.Benchmark;

/// <summary>
/// The stand-in gem node against the gem's behaviour as issue 9 lists it: exact paths, 500 on a key it does not know,
/// ERROR on an empty sender, learning only from pushes, dropping a peer whose answer is not OK, crashing without its
/// seed. In-process servers on loopback ports of their own; no processes.
/// </summary>
public sealed class GemPeerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan s_parked = TimeSpan.FromHours(1);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _http.Dispose();
    }

    private static string Envelope(string sender = "5001", string? extraEnvelope = null, string? extraMessage = null, string uuid = "u-1", long ttl = 3, long version = 7) =>
        $$$"""{"client_id":"{{{sender}}}",{{{extraEnvelope}}}"messages":[{"uuid":"{{{uuid}}}","client_id":"5001",{{{extraMessage}}}"ttl":{{{ttl}}},"payload":{"version":{{{version}}},"book":"Kim by Rudyard Kipling","picked_at":"2026-11-24T19:00:00.123456Z"}}]}""";

    private async Task<GemPeer> StartAsync(int port, int? seed = null, TimeProvider? time = null, int fanout = 2)
    {
        var gem = await GemPeer.StartAsync(
            new GemPeerOptions
            {
                Port = port,
                Seed = seed,
                PushInterval = s_parked,
                PickInterval = s_parked,
                Fanout = fanout,
                RequestTimeout = TimeSpan.FromSeconds(5),
                Log = TestContext.Log(output),
                Time = time ?? TimeProvider.System,
            },
            TestContext.Token());
        _owned.Add(gem);
        return gem;
    }

    private async Task<(int Status, string Body)> PostAsync(GemPeer gem, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(gem.BaseAddress, path), content, TestContext.Token());
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Token()));
    }

    [Theory]
    [InlineData("\"hop\":1,", null)]
    [InlineData(null, "\"hop\":1,")]
    [InlineData(null, "\"version\":7,")]
    public async Task Gossip_KeyTheGemDoesNotKnow_Answers500AndTakesNothing(string? extraEnvelope, string? extraMessage)
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);

        var (status, _) = await PostAsync(gem, "/gossip", Envelope(extraEnvelope: extraEnvelope, extraMessage: extraMessage));

        Assert.Equal(500, status);
        Assert.Empty(gem.Peers);
        Assert.False(gem.Books.ContainsKey("5001"));
    }

    [Theory]
    [InlineData("""{"client_id":"5001"}""")]
    [InlineData("""{"client_id":"5001","messages":[{"uuid":"u","client_id":"5001","ttl":1}]}""")]
    [InlineData("not json")]
    public async Task Gossip_MissingKeyOrNotJson_Answers500(string body)
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);

        Assert.Equal(500, (await PostAsync(gem, "/gossip", body)).Status);
        Assert.Empty(gem.Peers);
    }

    [Fact]
    public async Task Gossip_EmptySender_AnswersStatusErrorAndTakesNothing()
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);

        var (status, body) = await PostAsync(gem, "/gossip", Envelope(sender: ""));

        Assert.Equal(200, status);
        Assert.Equal("""{"status":"ERROR"}""", body);
        Assert.Empty(gem.Peers);
        Assert.False(gem.Books.ContainsKey("5001"));
    }

    [Theory]
    [InlineData("POST", "/gossip/")]
    [InlineData("POST", "/digest/")]
    [InlineData("POST", "/digest")]
    [InlineData("GET", "/gossip")]
    [InlineData("GET", "/peers/")]
    [InlineData("GET", "/peers")]
    [InlineData("GET", "/peers/5001/")]
    [InlineData("GET", "/state/")]
    [InlineData("POST", "/pick/")]
    public async Task Paths_OtherThanTheGemsExactOnes_Are404(string method, string path)
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(gem.BaseAddress, path));
        if (method == "POST")
        {
            request.Content = new StringContent(Envelope(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, TestContext.Token());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(gem.Books.ContainsKey("5001"));
        Assert.Empty(gem.Peers);
        Assert.Equal(404, Assert.Single(gem.Requests).Status);
    }

    [Fact]
    public async Task Gossip_OnItsExactPath_LearnsTheSenderAndKeepsTheHighestVersionWithTtlMinusOne()
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);

        Assert.Equal((200, """{"status":"OK"}"""), await PostAsync(gem, "/gossip", Envelope(sender: "5003", uuid: "a", version: 7)));
        Assert.Equal(200, (await PostAsync(gem, "/gossip", Envelope(sender: "5003", uuid: "b", version: 5))).Status);
        Assert.Equal(200, (await PostAsync(gem, "/gossip", Envelope(sender: "5003", uuid: "c", ttl: 0, version: 9))).Status);
        Assert.Equal(200, (await PostAsync(gem, "/gossip", Envelope(sender: "5003", uuid: "a", ttl: 3, version: 8))).Status); // a uuid seen before

        Assert.Equal(["5003"], gem.Peers);
        Assert.Equal(7, gem.Books["5001"].Version);
        Assert.Equal("Kim by Rudyard Kipling", gem.Books["5001"].Book);
        var cached = gem.Cache.Where(m => m.ClientId == "5001").ToList();
        Assert.Equal(["a", "b"], cached.Select(m => m.Uuid));
        Assert.All(cached, m => Assert.Equal(2, m.Ttl));
        Assert.Contains("\"picked_at\"", Encoding.UTF8.GetString(cached[0].Payload), StringComparison.Ordinal); // payload as it came
        var learned = Assert.Single(gem.Learned, l => l.Origin == "5001");
        Assert.Equal(("5003", 3L), (learned.From, learned.Ttl));
    }

    [Fact]
    public async Task PeersAndRoot_IntroduceTheCallerAndShowTheState()
    {
        var gem = await StartAsync(NodeProcess.FreePorts(1)[0]);

        Assert.Equal("[]", await _http.GetStringAsync(new Uri(gem.BaseAddress, "/peers/5005"), TestContext.Token()));
        Assert.Equal("""["5005"]""", await _http.GetStringAsync(new Uri(gem.BaseAddress, "/peers/5006"), TestContext.Token()));
        var text = await _http.GetStringAsync(gem.BaseAddress, TestContext.Token());

        Assert.Equal(["5005", "5006"], gem.Peers);
        Assert.Contains($"Node {gem.Id}", text, StringComparison.Ordinal);
        Assert.Contains("(version 1)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SeedNotUp_CrashesAndListensNoMore()
    {
        var ports = NodeProcess.FreePorts(2);

        var crash = await Assert.ThrowsAsync<GemCrashedException>(() => StartAsync(ports[0], seed: ports[1]));

        output.WriteLine(crash.Message);
        using var probe = new TcpListener(IPAddress.Loopback, ports[0]);
        probe.Start(); // the port is free again: nothing of the crashed node is left listening
        probe.Stop();
    }

    [Fact]
    public async Task Start_WithASeed_JoinsOnceWithGetPeersOwnPort_AndPushesItsCacheToPeersAtGossip()
    {
        var ports = NodeProcess.FreePorts(3);
        var seed = await StartAsync(ports[0]);
        Assert.Equal(200, (await PostAsync(seed, "/gossip", Envelope(sender: ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture)))).Status);

        var gem = await StartAsync(ports[1], seed: ports[0]);
        var join = Assert.Single(seed.Requests, r => r.Method == "GET");
        Assert.Equal($"/peers/{ports[1]}", join.Path);
        Assert.Equal([seed.Id, ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture)], gem.Peers); // the seed and its answer

        await gem.PushAsync(TestContext.Token()); // to both: the seed takes it, ports[2] has nothing listening
        var push = Assert.Single(seed.Requests, r => r.Method == "POST" && r.Sender == gem.Id);
        Assert.Equal(("/gossip", 200, 1), (push.Path, push.Status, push.Messages));
        Assert.Equal(1, seed.Books[gem.Id].Version); // the seed learned the gem's first book from its push
    }

    [Fact]
    public async Task Push_PeerAnswersOtherThanOkOrCannotBeReached_IsDroppedAtOnce()
    {
        var ports = NodeProcess.FreePorts(4);
        var good = await StartAsync(ports[0]);
        var gem = await StartAsync(ports[1], fanout: 3);
        var refusing = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        refusing.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, ports[2]));
        var refuser = refusing.Build();
        refuser.Run(context => context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["status"] = "NOT OK" }));
        await refuser.StartAsync(TestContext.Token());
        _owned.Add(refuser);
        foreach (var port in ports.Where(p => p != ports[1]))
        {
            await _http.GetStringAsync(new Uri(gem.BaseAddress, $"/peers/{port}"), TestContext.Token()); // ports[3]: nothing listens
        }

        Assert.Equal(3, gem.Peers.Count);
        await gem.PushAsync(TestContext.Token());

        Assert.Equal([good.Id], gem.Peers);
        Assert.Equal(3, gem.Pushes.Count);
        Assert.Single(gem.Pushes, p => p.Ok);
        Assert.Equal(1, good.Books[gem.Id].Version);
    }

    [Fact]
    public async Task Timers_PickEveryPickIntervalWithVersionsCountingUp_AndPushEveryPushInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ports = NodeProcess.FreePorts(2);
        var peer = await StartAsync(ports[0]);
        var gem = await GemPeer.StartAsync(
            new GemPeerOptions { Port = ports[1], Seed = ports[0], Time = time, PushInterval = TimeSpan.FromSeconds(10), PickInterval = TimeSpan.FromSeconds(15), RequestTimeout = TimeSpan.FromSeconds(5) },
            TestContext.Token());
        _owned.Add(gem);
        Assert.Equal(1, gem.Current.Version);

        time.Advance(TimeSpan.FromSeconds(10)); // a push: version 1
        await WaitAsync(() => peer.Books.TryGetValue(gem.Id, out var b) && b.Version == 1, "the first push");
        time.Advance(TimeSpan.FromSeconds(5)); // a pick: version 2, kept until the next push
        await WaitAsync(() => gem.Current.Version == 2, "the second pick");
        Assert.Equal(1, peer.Books[gem.Id].Version);
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitAsync(() => peer.Books[gem.Id].Version == 2, "the second push");
        time.Advance(TimeSpan.FromSeconds(10)); // 30 s: a pick and a push

        await WaitAsync(() => gem.Current.Version == 3 && gem.Pushes.Count == 3, "the third pick and push");
        Assert.Equal([1L, 2, 3], gem.Learned.Select(l => l.Version));
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(TestContext.Timeout);
        while (!done())
        {
            try
            {
                await Task.Delay(10, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not {what} within {TestContext.Timeout.TotalSeconds} s");
            }
        }
    }
}
