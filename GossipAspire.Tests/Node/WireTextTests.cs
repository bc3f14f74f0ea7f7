using System.Net;
using System.Text;
using System.Text.Json;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Issue 9's fuzz findings about text: lone surrogate escapes and bytes that are not UTF-8, anywhere a string can
/// be, got 500. Each must get 400 problem details and change nothing.
/// </summary>
public sealed class WireTextTests : IDisposable
{
    private readonly InProcessNode _node = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private HttpClient Client => _node.Client;

    public void Dispose()
    {
        _node.Dispose();
        _timeout.Dispose();
    }

    // BAD marks where the bad text goes; each body is valid apart from it.
    public static TheoryData<string, string> Places => new()
    {
        { "/gossip/", """{"client_id":"BAD","messages":[]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"BAD","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim"}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"BAD","ttl":2,"payload":{"version":7,"book":"Kim"}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"BAD"}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim","traceparent":"BAD"}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim","picked_at":"BAD"}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim","BAD":1}}]}""" },
        { "/gossip/", """{"client_id":"5003","messages":[{"uuid":"u","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Kim","extra":{"BAD":["BAD"]}}}]}""" },
        { "/gossip/", """{"BAD":1,"client_id":"5003","messages":[]}""" },
        { "/digest/", """{"client_id":"BAD","versions":{}}""" },
        { "/digest/", """{"client_id":"5003","versions":{"BAD":1}}""" },
        { "/pick/", """{"book":"BAD"}""" },
        { "/pick/", """{"BAD":"Kim by Rudyard Kipling"}""" },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public Task LoneHighSurrogateEscape_Is400(string path, string body) => AssertRefusedAsync(path, Encoding.UTF8.GetBytes(body.Replace("BAD", "a\\ud800b", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Places))]
    public Task LoneLowSurrogateEscape_Is400(string path, string body) => AssertRefusedAsync(path, Encoding.UTF8.GetBytes(body.Replace("BAD", "\\udc00", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Places))]
    public Task InvalidUtf8Bytes_Are400(string path, string body) => AssertRefusedAsync(path, WithBytes(body, [0x61, 0xff, 0xfe, 0x62]));

    [Theory]
    [MemberData(nameof(Places))]
    public Task OverlongUtf8_Is400(string path, string body) => AssertRefusedAsync(path, WithBytes(body, [0xc0, 0xaf])); // '/' in two bytes

    [Theory]
    [MemberData(nameof(Places))]
    public Task EncodedSurrogateInUtf8_Is400(string path, string body) => AssertRefusedAsync(path, WithBytes(body, [0xed, 0xa0, 0x80])); // U+D800 as UTF-8

    [Fact]
    public async Task ValidEscapesAndNonAsciiText_AreStillAccepted()
    {
        // A surrogate pair escape (U+1F4DA) and plain UTF-8 in the book, an escaped key in the payload.
        var body = """{"client_id":"5003","messages":[{"uuid":"u\u00e9","client_id":"5002","ttl":2,"payload":{"version":7,"book":"Caf\u00e9 \ud83d\udcda L\u00e9a ☕","n\u00e9":"x"}}]}""";

        using var response = await Client.PostAsync("/gossip/", new ByteArrayContent(Encoding.UTF8.GetBytes(body)), _timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = JsonDocument.Parse(await Client.GetStringAsync("/state/", _timeout.Token)).RootElement;
        Assert.Equal("Café \U0001F4DA Léa ☕", state.GetProperty("world").GetProperty("5002").GetProperty("book").GetString());
    }

    private static byte[] WithBytes(string body, byte[] bad)
    {
        var at = body.IndexOf("BAD", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(body[..at]), .. bad, .. Encoding.UTF8.GetBytes(body[(at + 3)..])];
    }

    private async Task AssertRefusedAsync(string path, byte[] body)
    {
        var before = await Client.GetStringAsync("/state/", _timeout.Token);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        using var response = await Client.PostAsync(path, content, _timeout.Token);

        var answer = await response.Content.ReadAsStringAsync(_timeout.Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {answer}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid", JsonDocument.Parse(answer).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = JsonDocument.Parse(await Client.GetStringAsync("/state/", _timeout.Token)).RootElement;
        var was = JsonDocument.Parse(before).RootElement;
        Assert.Equal(was.GetProperty("world").GetRawText(), after.GetProperty("world").GetRawText());
        Assert.Equal(was.GetProperty("peers").GetRawText(), after.GetProperty("peers").GetRawText());
        Assert.Equal(was.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
    }
}
