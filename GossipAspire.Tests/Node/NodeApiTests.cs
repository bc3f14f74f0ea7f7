using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>The HTTP surface of one node, in-process, with its outgoing requests captured instead of sent.</summary>
public sealed partial class NodeApiTests : IDisposable
{
    // Peers that answer: against peers that can never be reached, a sender it learns would be dropped at once.
    private readonly InProcessNode _node = new(new AnsweringTransport(), ("Gossip:MaxBodyBytes", "4096"));
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private HttpClient Client => _node.Client;

    public void Dispose()
    {
        _node.Dispose();
        _timeout.Dispose();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body) =>
        await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), _timeout.Token);

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await Client.GetStringAsync(path, _timeout.Token);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private const string GoodMessage = """{"uuid":"m1","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim by Rudyard Kipling"}}""";

    [Fact]
    public async Task PostGossip_AGemEnvelope_AnswersOkExactly_AndTheNewsIsKept()
    {
        using var response = await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{GoodMessage}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"OK"}""", await response.Content.ReadAsStringAsync(_timeout.Token));
        var state = await GetJsonAsync("/state/");
        Assert.Equal(7, state.GetProperty("world").GetProperty("5002").GetProperty("version").GetInt64());
        Assert.Contains("5003", state.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("/gossip/", "{}")]
    [InlineData("/gossip", """{"client_id":"5003"}""")]
    [InlineData("/gossip/", """{"client_id":"5003","messages":[]}""")]
    [InlineData("/gossip/", """{"client_id":5003,"messages":null}""")]
    public async Task PostGossip_EmptyOrMissingMessages_IsOk(string path, string body)
    {
        using var response = await PostAsync(path, body.Replace("{}", """{"client_id":"5003"}""", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("""{"messages":[]}""", "client_id is missing")]
    [InlineData("""{"client_id":true,"messages":[]}""", "client_id must be a node id")]
    [InlineData("""{"client_id":"not-a-port","messages":[]}""", "client_id must be a node id")]
    [InlineData("""{"client_id":"5003","messages":{}}""", "messages must be an array")]
    [InlineData("""{"client_id":"5003","messages":[42]}""", "messages[0] must be an object")]
    [InlineData("""{"client_id":"5003","messages":[{"client_id":"5002","ttl":2,"payload":{"version":7,"book":"B"}}]}""", "messages[1].uuid")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","ttl":2,"payload":{"version":7,"book":"B"}}]}""", "messages[1].client_id is missing")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":"2","payload":{"version":7,"book":"B"}}]}""", "messages[1].ttl must be a whole number")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2}]}""", "messages[1].payload must be an object")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":"7","book":"B"}}]}""", "payload.version must be a whole number")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7.5,"book":"B"}}]}""", "payload.version must be a whole number")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":-1,"book":"B"}}]}""", "payload.version must be a whole number")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":9}}]}""", "payload.book must be a non-empty string")]
    [InlineData("""{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"B","picked_at":"yesterday"}}]}""", "picked_at must be an RFC 3339 time")]
    [InlineData("""{"client_id":"5003","messages":[]} {}""", "more than one JSON value")]
    public async Task PostGossip_BadEnvelope_Is400ProblemDetails_AndNothingIsAbsorbed(string body, string says)
    {
        // A good message first: the bad one after it must keep it out too.
        var withGood = body.Replace("\"messages\":[{", $"\"messages\":[{GoodMessage},{{", StringComparison.Ordinal);
        var before = await GetJsonAsync("/state/");

        using var response = await PostAsync("/gossip/", withGood);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout.Token)).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("Invalid gossip envelope", problem.GetProperty("title").GetString());
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var after = await GetJsonAsync("/state/");
        Assert.Equal(before.GetProperty("world").GetRawText(), after.GetProperty("world").GetRawText());
        Assert.Equal(before.GetProperty("peers").GetRawText(), after.GetProperty("peers").GetRawText());
        Assert.Equal(
            before.GetProperty("stats").GetProperty("messages_received").GetInt64(),
            after.GetProperty("stats").GetProperty("messages_received").GetInt64());
    }

    [Theory]
    [InlineData("9223372036854775807")] // the issue's forged version
    [InlineData("9007199254740992")] // 2^53
    [InlineData("123456789012345678901234567890")] // beyond 64 bits
    public async Task PostGossip_AVersionAboveTheProtocolsRange_IsRefusedAndCounted_AndTheRestIsKept(string version)
    {
        var forged = $$$"""{"uuid":"forged","client_id":"5004","ttl":2,"payload":{"version":{{{version}}},"book":"Forged by Nobody"}}""";

        using var response = await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{forged}},{{GoodMessage}}]}""");

        Assert.Equal("""{"status":"OK"}""", await response.Content.ReadAsStringAsync(_timeout.Token)); // a gem relay is not punished
        var state = await GetJsonAsync("/state/");
        Assert.False(state.GetProperty("world").TryGetProperty("5004", out _));
        Assert.Equal(7, state.GetProperty("world").GetProperty("5002").GetProperty("version").GetInt64());
        Assert.Equal(1, state.GetProperty("stats").GetProperty("messages_refused").GetInt64());
        Assert.DoesNotContain("5004", state.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task PostGossip_AnUnknownPayloadKeyOverMaxPayloadBytes_IsRefusedAndCounted()
    {
        // This node's MaxBodyBytes is 4096, so its MaxPayloadBytes is set lower for the body to fit.
        using var node = new InProcessNode(("Gossip:MaxPayloadBytes", "1024"));
        var big = $$$"""{"uuid":"big","client_id":"5004","ttl":2,"payload":{"version":3,"book":"Kim","blob":"{{{new string('x', 1100)}}}"}}""";
        var small = $$$"""{"uuid":"small","client_id":"5005","ttl":2,"payload":{"version":3,"book":"Kim","blob":"{{{new string('x', 900)}}}"}}""";

        using var response = await node.Client.PostAsync(
            "/gossip/", new StringContent($$"""{"client_id":"5003","messages":[{{big}},{{small}}]}""", Encoding.UTF8, "application/json"), _timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = await node.GetJsonAsync("/state/", _timeout.Token);
        Assert.False(state.GetProperty("world").TryGetProperty("5004", out _));
        Assert.True(state.GetProperty("world").TryGetProperty("5005", out _));
        Assert.Equal(1, state.GetProperty("stats").GetProperty("messages_refused").GetInt64());
    }

    [Fact]
    public async Task PostGossip_ATraceparentLongerThan256Characters_Is400ProblemDetails()
    {
        var message = $$$"""{"uuid":"t","client_id":"5004","ttl":2,"payload":{"version":3,"book":"Kim","traceparent":"{{{new string('0', 257)}}}"}}""";

        using var response = await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{message}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("traceparent must be a string of at most 256", await response.Content.ReadAsStringAsync(_timeout.Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/gossip/", """{"client_id":"10.1.2.3:5001","messages":[{"uuid":"m1","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim"}}]}""")]
    [InlineData("/digest/", """{"client_id":"10.1.2.3:5001","versions":{}}""")]
    [InlineData("/peers/10.1.2.3:5001", null)]
    public async Task Request_FromAHostOutsideAllowedHosts_Is403ProblemDetails_AndNothingIsTaken(string path, string? body)
    {
        using var response = body is null ? await Client.GetAsync(path, _timeout.Token) : await PostAsync(path, body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Gossip:AllowedHosts (loopback)", await response.Content.ReadAsStringAsync(_timeout.Token), StringComparison.Ordinal);
        var state = await GetJsonAsync("/state/");
        Assert.Empty(state.GetProperty("peers").EnumerateArray());
        Assert.False(state.GetProperty("world").TryGetProperty("5002", out _));
    }

    [Fact]
    public async Task Digest_NamingAnOriginOutsideAllowedHosts_LeavesItOut()
    {
        using var response = await PostAsync("/digest/", """{"client_id":"5003","versions":{"10.1.2.3:5001":9,"5004":9}}""");

        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout.Token)).RootElement;
        Assert.Equal(["5004"], reply.GetProperty("wants").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task AllowedHosts_Configured_LetsThoseHostsIn()
    {
        using var node = new InProcessNode(new AnsweringTransport(), ("Gossip:AllowedHosts", "loopback,10.0.0.0/8"));

        using var response = await node.Client.GetAsync("/peers/10.1.2.3:5001", _timeout.Token);
        using var refused = await node.Client.GetAsync("/peers/11.1.2.3:5001", _timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("""["10.1.2.3:5001"]""", await node.Client.GetStringAsync("/peers/", _timeout.Token));
    }

    [Fact]
    public async Task PostDigest_AVersionAbove2To53Minus1_Is400ProblemDetails()
    {
        using var response = await PostAsync("/digest/", """{"client_id":"5003","versions":{"5002":9007199254740992}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostGossip_OverTheBodyLimit_Is413ProblemDetails()
    {
        var book = new string('x', 900);
        var messages = string.Join(",", Enumerable.Range(0, 10).Select(i =>
            $$$"""{"uuid":"u{{{i}}}","client_id":"5002","ttl":2,"payload":{"version":{{{i}}},"book":"{{{book}}}"}}"""));

        using var response = await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{messages}}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False((await GetJsonAsync("/state/")).GetProperty("world").TryGetProperty("5002", out _));
    }

    [Fact]
    public async Task Peers_ListAndIntroduce_InTheGemsShape()
    {
        Assert.Equal("[]", await Client.GetStringAsync("/peers/", _timeout.Token));

        var answer = await Client.GetStringAsync("/peers/5009", _timeout.Token);
        Assert.Equal("[]", answer); // the caller is not told about itself
        Assert.Equal("""["5009"]""", await Client.GetStringAsync("/peers/", _timeout.Token));
        Assert.Equal("""["5009"]""", await Client.GetStringAsync("/peers/5010", _timeout.Token));

        using var bad = await Client.GetAsync("/peers/five", _timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task State_HasTheDocumentedKeysAndTimeFormat()
    {
        var state = await GetJsonAsync("/state/");

        Assert.Equal(["id", "version", "book", "peers", "world", "started_at", "stats", "gem_peers"], state.EnumerateObject().Select(p => p.Name));
        Assert.Equal("5001", state.GetProperty("id").GetString());
        var self = state.GetProperty("world").GetProperty("5001");
        Assert.Equal(["version", "book", "picked_at", "received_at"], self.EnumerateObject().Select(p => p.Name));
        Assert.Equal(state.GetProperty("version").GetInt64(), self.GetProperty("version").GetInt64());
        Assert.Matches(Rfc3339Micro(), self.GetProperty("picked_at").GetString());
        Assert.Matches(Rfc3339Micro(), state.GetProperty("started_at").GetString());
        Assert.Equal(
            ["requests_sent", "bytes_sent", "requests_failed", "messages_sent", "messages_received", "messages_duplicate", "messages_dropped", "messages_refused", "requests_refused"],
            state.GetProperty("stats").EnumerateObject().Select(p => p.Name));
        Assert.True(state.GetProperty("version").GetInt64() >> GossipEngine.GenerationShift > 1_700_000_000, "the version carries the start second");
    }

    [Fact]
    public async Task Pick_ChosenBook_RandomBook_AndBadBodies()
    {
        var before = (await GetJsonAsync("/state/")).GetProperty("version").GetInt64();

        using var chosen = await PostAsync("/pick/", """{"book":"Kim by Rudyard Kipling"}""");
        var answer = JsonDocument.Parse(await chosen.Content.ReadAsStringAsync(_timeout.Token)).RootElement;
        Assert.Equal(before + 1, answer.GetProperty("version").GetInt64());
        Assert.Equal("Kim by Rudyard Kipling", answer.GetProperty("book").GetString());

        using var random = await Client.PostAsync("/pick/", null, _timeout.Token);
        var second = JsonDocument.Parse(await random.Content.ReadAsStringAsync(_timeout.Token)).RootElement;
        Assert.NotEqual("Kim by Rudyard Kipling", second.GetProperty("book").GetString()); // never the same book twice in a row

        using var unknown = await PostAsync("/pick/", """{"book":"A Book Nobody Wrote"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using var broken = await PostAsync("/pick/", """{"book":""");
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("application/problem+json", broken.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before + 2, (await GetJsonAsync("/state/")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task History_PagesFromAfter_AndRefusesABadAfter()
    {
        using (await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{GoodMessage}}]}"""))
        {
        }

        var all = await GetJsonAsync("/history/");
        var events = all.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(events[^1].GetProperty("seq").GetInt64(), all.GetProperty("next").GetInt64());
        Assert.Contains(events, e => e.GetProperty("origin").GetString() == "5002" && e.GetProperty("version").GetInt64() == 7);
        Assert.Equal(
            ["seq", "origin", "version", "book", "picked_at", "received_at", "uuid", "from", "hop", "trace_id", "duplicates", "repair"],
            events[0].EnumerateObject().Select(p => p.Name));

        var rest = await GetJsonAsync($"/history/?after={all.GetProperty("next").GetInt64()}");
        Assert.Empty(rest.GetProperty("events").EnumerateArray());

        using var bad = await Client.GetAsync("/history/?after=yesterday", _timeout.Token);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task History_PageSaysWhereToGoOn_AndEachEventHowItCame()
    {
        using (await PostAsync("/gossip/", $$$"""{"client_id":"5003","messages":[{"uuid":"m9","client_id":"5002","ttl":2,"payload":{"version":9,"book":"Kim by Rudyard Kipling","hop":2,"traceparent":"00-{{{TraceId}}}-00f067aa0ba902b7-01"}}]}"""))
        {
        }

        using (await PostAsync("/gossip/", $$$"""{"client_id":"5004","messages":[{"uuid":"m9","client_id":"5002","ttl":2,"payload":{"version":9,"book":"Kim by Rudyard Kipling"}}]}"""))
        {
        }

        var page = await GetJsonAsync("/history/?after=0&limit=1");
        Assert.Equal(["next", "oldest", "evicted", "events"], page.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, page.GetProperty("oldest").GetInt64());
        Assert.Equal(0, page.GetProperty("evicted").GetInt64());
        var own = Assert.Single(page.GetProperty("events").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("from").ValueKind); // the book it started with: its own
        Assert.Equal(0, own.GetProperty("hop").GetInt64());

        var rest = await GetJsonAsync($"/history/?after={page.GetProperty("next").GetInt64()}");
        var received = Assert.Single(rest.GetProperty("events").EnumerateArray(), e => e.GetProperty("origin").GetString() == "5002");
        Assert.Equal("m9", received.GetProperty("uuid").GetString());
        Assert.Equal("5003", received.GetProperty("from").GetString());
        Assert.Equal(2, received.GetProperty("hop").GetInt64());
        Assert.Equal(TraceId, received.GetProperty("trace_id").GetString());
        Assert.Equal("Kim by Rudyard Kipling", received.GetProperty("book").GetString());
        Assert.Equal(1, received.GetProperty("duplicates").GetInt64()); // the copy from 5004
        Assert.False(received.GetProperty("repair").GetBoolean());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=10001")]
    [InlineData("limit=-1")]
    [InlineData("limit=ten")]
    [InlineData("after=-1")]
    public async Task History_BadLimitOrAfter_Is400ProblemDetails(string query)
    {
        using var response = await Client.GetAsync($"/history/?{query}", _timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Root_IsTextForPeople()
    {
        using var response = await Client.GetAsync("/", _timeout.Token);
        var text = await response.Content.ReadAsStringAsync(_timeout.Token);

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Node 5001: ", text, StringComparison.Ordinal);
        Assert.Contains("World:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_AnswersWhatTheCallerLacksAndWhatItHoldsNewer()
    {
        using (await PostAsync("/gossip/", $$"""{"client_id":"5003","messages":[{{GoodMessage}}]}"""))
        {
        }

        using var response = await PostAsync("/digest/", """{"client_id":"5003","versions":{"5002":3,"5004":9}}""");
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout.Token)).RootElement;

        var origins = reply.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("client_id").GetString()).Order().ToList();
        Assert.Equal(["5001", "5002"], origins);
        Assert.Equal(["5004"], reply.GetProperty("wants").EnumerateArray().Select(w => w.GetString()));

        using var bad = await PostAsync("/digest/", """{"client_id":"5003","versions":{"5002":"three"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex Rfc3339Micro();
}
