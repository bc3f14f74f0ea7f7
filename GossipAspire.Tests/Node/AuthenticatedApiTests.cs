using System.Net;
using System.Text;
using System.Text.Json;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// The HTTP surface of one node with a keyring (docs/PROTOCOL.md, section 10), in-process: what needs a MAC, what
/// a refusal answers byte by byte, and that a refused request changes nothing.
/// </summary>
public sealed class AuthenticatedApiTests : IDisposable
{
    private const string Key = "0123456789abcdefghijKLMNOPQRSTuv";
    private const string OtherKey = "another key, not in the ring 42";

    private readonly InProcessNode _node = new(new AnsweringTransport(), ("Gossip:Keys:0", Key), ("Gossip:MaxBodyBytes", "4096"));
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private HttpClient Client => _node.Client;

    public void Dispose()
    {
        _node.Dispose();
        _timeout.Dispose();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Mac(string method, string path, string body, long? at = null, string key = Key) =>
        new Keyring([key]).MacRequest(method, path, at ?? Now, Encoding.UTF8.GetBytes(body))!;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? mac)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (mac is not null)
        {
            request.Headers.TryAddWithoutValidation(Wire.MacHeader, mac);
        }

        return await Client.SendAsync(request, _timeout.Token);
    }

    /// <summary>What a refused request must leave alone: the world view, the peers and the message counters.</summary>
    private async Task<string> SnapshotAsync()
    {
        var state = await _node.GetJsonAsync("/state/", _timeout.Token);
        var stats = state.GetProperty("stats");
        return $"{state.GetProperty("world").GetRawText()} {state.GetProperty("peers").GetRawText()} "
            + $"{stats.GetProperty("messages_received").GetInt64()} {stats.GetProperty("requests_sent").GetInt64()}";
    }

    private const string Digest = """{"client_id":"5009","versions":{"5001":1}}""";

    private const string MissingDetail = "The request has no X-Gossip-Mac header; the receiving node has a keyring (Gossip:Keys), so {0} needs one.";
    private const string MalformedDetail = "The X-Gossip-Mac header is not one value of the form <key id>:<unix seconds>:<base64 HMAC-SHA256>.";
    private const string UnknownKeyDetail = "The X-Gossip-Mac header was made with a key that is not in the receiving node's keyring.";
    private const string BadSignatureDetail = "The X-Gossip-Mac header does not match this request (method, path, timestamp and body).";
    private const string StaleDetail = @"The X-Gossip-Mac timestamp is {0} s from the receiving node's clock; at most 300 s \(Gossip:MaxClockSkew\) are accepted\.";

    public static TheoryData<string, string?, string, string, string> Refusals => new()
    {
        // path, body (null: GET), how the header is made, the reason the answer names, its detail (a pattern for stale)
        { "/digest/", Digest, "none", "missing", string.Format(null, MissingDetail, "/digest/") },
        { "/digest/", Digest, "garbage", "malformed", MalformedDetail },
        { "/digest/", Digest, "other-key", "unknown_key", UnknownKeyDetail },
        { "/digest/", Digest, "other-body", "bad_signature", BadSignatureDetail },
        { "/digest/", Digest, "stale", "stale", string.Format(null, StaleDetail, "-40[01]") },
        { "/digest/", "not even JSON", "none", "missing", string.Format(null, MissingDetail, "/digest/") }, // 401 before the body is judged
        { "/peers/5009", null, "none", "missing", string.Format(null, MissingDetail, "/peers/5009") },
        { "/peers/5009", null, "other-path", "bad_signature", BadSignatureDetail },
        { "/peers/5009", null, "other-method", "bad_signature", BadSignatureDetail },
        { "/peers/5009", null, "future", "stale", string.Format(null, StaleDetail, "39[89]|400") },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Request_WithoutAValidMac_Is401ProblemDetailsNamingTheReason_AndChangesNothing(string path, string? body, string header, string reason, string expected)
    {
        var method = body is null ? HttpMethod.Get : HttpMethod.Post;
        var mac = header switch
        {
            "none" => null,
            "garbage" => "not a mac",
            "other-key" => Mac(method.Method, path, body ?? "", key: OtherKey),
            "other-body" => Mac(method.Method, path, body!.Replace("5009", "5008", StringComparison.Ordinal)),
            "other-path" => Mac(method.Method, "/peers/5008", ""),
            "other-method" => Mac("POST", path, ""),
            "stale" => Mac(method.Method, path, body ?? "", Now - 400),
            _ => Mac(method.Method, path, body ?? "", Now + 400),
        };
        var before = await SnapshotAsync();

        using var response = await SendAsync(method, path, body, mac);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Gossip-Mac", response.Headers.WwwAuthenticate.ToString());
        var text = await response.Content.ReadAsStringAsync(_timeout.Token);
        var problem = JsonDocument.Parse(text).RootElement;
        var detail = problem.GetProperty("detail").GetString()!;
        if (reason == "stale")
        {
            Assert.Matches($"^{expected}$", detail);
        }
        else
        {
            Assert.Equal(expected, detail);
        }

        Assert.Equal(
            $$"""{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Request not authenticated","status":401,"detail":"{{detail}}","reason":"{{reason}}","trace_id":"{{problem.GetProperty("trace_id").GetString()}}"}""",
            text);
        Assert.Equal(before, await SnapshotAsync());
        Assert.DoesNotContain("5009", (await _node.GetJsonAsync("/peers/", _timeout.Token)).EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Request_Refusals_SayWhatIsWrong_AndAreCountedInState()
    {
        using var missing = await SendAsync(HttpMethod.Post, "/digest/", Digest, null);
        using var stale = await SendAsync(HttpMethod.Post, "/digest/", Digest, Mac("POST", "/digest/", Digest, Now - 400));

        Assert.Equal(
            "The request has no X-Gossip-Mac header; the receiving node has a keyring (Gossip:Keys), so /digest/ needs one.",
            JsonDocument.Parse(await missing.Content.ReadAsStringAsync(_timeout.Token)).RootElement.GetProperty("detail").GetString());
        Assert.StartsWith(
            "The X-Gossip-Mac timestamp is -40", // -400 give or take the second the request took
            JsonDocument.Parse(await stale.Content.ReadAsStringAsync(_timeout.Token)).RootElement.GetProperty("detail").GetString(),
            StringComparison.Ordinal);
        var stats = (await _node.GetJsonAsync("/state/", _timeout.Token)).GetProperty("stats");
        Assert.Equal(2, stats.GetProperty("requests_refused").GetInt64());
    }

    [Fact]
    public async Task Digest_WithAValidMac_IsAnswered_Once()
    {
        var mac = Mac("POST", "/digest/", Digest);

        using var response = await SendAsync(HttpMethod.Post, "/digest/", Digest, mac);
        using var again = await SendAsync(HttpMethod.Post, "/digest/", Digest, mac);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout.Token)).RootElement;
        var own = Assert.Single(reply.GetProperty("messages").EnumerateArray());
        Assert.StartsWith(Keyring.KeyId(Key) + ":", own.GetProperty("payload").GetProperty("sig").GetString(), StringComparison.Ordinal);
        Assert.Contains("5009", (await _node.GetJsonAsync("/peers/", _timeout.Token)).EnumerateArray().Select(p => p.GetString()));

        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("\"reason\":\"replayed\"", await again.Content.ReadAsStringAsync(_timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_WithAValidMacAndABadBody_Is400_AsWithoutAKeyring()
    {
        const string body = """{"client_id":"5009","versions":{"5001":"one"}}""";

        using var response = await SendAsync(HttpMethod.Post, "/digest/", body, Mac("POST", "/digest/", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid digest", await response.Content.ReadAsStringAsync(_timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_OverTheBodyLimit_Is413_BeforeTheMacIsLookedAt()
    {
        var body = $$"""{"client_id":"5009","versions":{},"pad":"{{new string('x', 5000)}}"}""";

        using var response = await SendAsync(HttpMethod.Post, "/digest/", body, null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Introduce_WithAValidMac_OverThePercentDecodedPath_JoinsTheCaller()
    {
        // The caller's id as host:port travels escaped (%3A); both sides MAC the path as decoded.
        using var response = await SendAsync(HttpMethod.Get, "/peers/localhost%3A5009", null, Mac("GET", "/peers/localhost:5009", ""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(_timeout.Token));
        Assert.Equal("""["5009"]""", await Client.GetStringAsync("/peers/", _timeout.Token));
    }

    [Fact]
    public async Task Gossip_AnUnsignedOrBadlySignedMessage_IsDroppedAndCounted_AndTheEnvelopeIsStillOk()
    {
        var keyring = new Keyring([Key]);
        var pickedAt = "2026-11-24T19:00:00.123456Z";
        var signature = keyring.Sign("m-good", "5002", 7, "Kim by Rudyard Kipling", DateTimeOffset.Parse(pickedAt, System.Globalization.CultureInfo.InvariantCulture));
        var good = $$$"""{"uuid":"m-good","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim by Rudyard Kipling","picked_at":"{{{pickedAt}}}","sig":"{{{signature}}}"}}""";
        var unsigned = """{"uuid":"m-plain","client_id":"5003","ttl":2,"payload":{"version":9,"book":"Kim by Rudyard Kipling"}}""";
        var forged = $$$"""{"uuid":"m-forged","client_id":"5004","ttl":2,"payload":{"version":9,"book":"Kim by Rudyard Kipling","picked_at":"{{{pickedAt}}}","sig":"{{{signature}}}"}}""";
        var otherKey = new Keyring([OtherKey]).Sign("m-other", "5005", 9, "Kim by Rudyard Kipling", null);
        var stranger = $$$"""{"uuid":"m-other","client_id":"5005","ttl":2,"payload":{"version":9,"book":"Kim by Rudyard Kipling","sig":"{{{otherKey}}}"}}""";

        using var response = await SendAsync(HttpMethod.Post, "/gossip/", $$"""{"client_id":"5009","messages":[{{unsigned}},{{forged}},{{stranger}},{{good}}]}""", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"OK"}""", await response.Content.ReadAsStringAsync(_timeout.Token));
        var state = await _node.GetJsonAsync("/state/", _timeout.Token);
        var world = state.GetProperty("world");
        Assert.Equal(7, world.GetProperty("5002").GetProperty("version").GetInt64());
        Assert.False(world.TryGetProperty("5003", out _) || world.TryGetProperty("5004", out _) || world.TryGetProperty("5005", out _));
        Assert.Equal(3, state.GetProperty("stats").GetProperty("messages_refused").GetInt64());
        Assert.Equal(
            (1, 1, 1),
            (_node.Engine.RefusedByReason["unsigned"], _node.Engine.RefusedByReason["bad_signature"], _node.Engine.RefusedByReason["unknown_key"]));
    }

    [Theory]
    [InlineData("""{"sig":5}""")]
    [InlineData("""{"sig":{"key":"x"}}""")]
    public async Task Gossip_ASigThatIsNotAString_Is400_AsAnyKnownKeyOfTheWrongType(string extra)
    {
        var message = $$$"""{"uuid":"m","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim",{{{extra[1..^1]}}}}}""";

        using var response = await SendAsync(HttpMethod.Post, "/gossip/", $$"""{"client_id":"5009","messages":[{{message}}]}""", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("payload.sig must be a string", await response.Content.ReadAsStringAsync(_timeout.Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/state/")]
    [InlineData("GET", "/history/")]
    [InlineData("GET", "/peers/")]
    [InlineData("POST", "/pick/")]
    public async Task LocalToolEndpoints_StayOpen_WithAKeyring(string method, string path)
    {
        using var response = await SendAsync(new HttpMethod(method), path, null, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Pick_OnAKeyedNode_IsSignedWithItsKey()
    {
        using var response = await SendAsync(HttpMethod.Post, "/pick/", null, null);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_timeout.Token)).RootElement;

        var own = _node.Engine.World["5001"];
        Assert.Equal(answer.GetProperty("version").GetInt64(), own.Version);
        Assert.Equal(
            SignatureCheck.Valid,
            new Keyring([Key]).Verify(own.Uuid, "5001", own.Version, own.Book, own.PickedAt, own.Signature));
    }
}
