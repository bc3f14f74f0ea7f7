using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Property-based fuzzing of a keyed node's doors (docs/PROTOCOL.md, section 10): any <c>X-Gossip-Mac</c> and any
/// body to <c>/digest/</c> and <c>/peers/{id}</c> gets <c>401</c> problem details and changes nothing; any
/// <c>payload.sig</c> in an envelope gets <c>200</c> or <c>400</c>, never a 5xx, and nothing not validly signed is
/// kept. A fixed seed and a bounded number of iterations, as in <see cref="FuzzTests"/>.
/// </summary>
public sealed class KeyedFuzzTests : IDisposable
{
    private const string Key = "0123456789abcdefghijKLMNOPQRSTuv";
    private const string Seed = "cz1RCPNHOjE2";
    private const int Iterations = 150;

    private readonly InProcessNode _node = new(("Gossip:Keys:0", Key), ("Gossip:MaxBodyBytes", "65536"));
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(5));

    public void Dispose()
    {
        _node.Dispose();
        _timeout.Dispose();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static readonly string s_keyId = Keyring.KeyId(Key);

    /// <summary>Header values: printable junk, and the documented shape with each part right, wrong or missing.</summary>
    private static Gen<string> MacHeader =>
        Gen.Frequency(
            (2, Gen.String[Gen.Char['!', '~'], 0, 80]),
            (5, Gen.Select(
                Gen.OneOf(s_keyId, "00000000", "", s_keyId.ToUpperInvariant(), s_keyId + "0"),
                Gen.OneOf(
                    Gen.Int[-700, 700].Select(s => (Now + s).ToString(CultureInfo.InvariantCulture)),
                    Gen.OneOf("", "-5", "1e9", "99999999999999999999", " 1795546800")),
                Gen.OneOf(
                    Gen.Byte.Array[32].Select(Convert.ToBase64String),
                    Gen.Byte.Array[0, 40].Select(Convert.ToBase64String),
                    Gen.String[Gen.Char['!', '~'], 0, 50]),
                (id, stamp, mac) => $"{id}:{stamp}:{mac}")),
            // A valid MAC, but of another request: another body, path or method.
            (2, Gen.OneOf("GET", "POST", "PUT").Select(method => new Keyring([Key]).MacRequest(method, "/digest/x", Now, "{}"u8)!)));

    private static Gen<byte[]> Body =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 300]),
            (2, Gen.Int[5000, 5012].Select(port => Encoding.UTF8.GetBytes($$$"""{"client_id":"{{{port}}}","versions":{"5001":1}}"""))));

    private async Task<string> SnapshotAsync()
    {
        var state = await _node.GetJsonAsync("/state/", _timeout.Token);
        return $"{state.GetProperty("world").GetRawText()} {state.GetProperty("peers").GetRawText()}";
    }

    [Fact]
    public async Task DigestAndIntroduce_AnyMacAndBody_Are401ProblemDetails_AndChangeNothing()
    {
        var before = await SnapshotAsync();
        var count = 0;

        await Gen.Select(MacHeader, Body, Gen.Bool).SampleAsync(
            async (header, body, digest) =>
            {
                using var request = digest
                    ? new HttpRequestMessage(HttpMethod.Post, "/digest/") { Content = new ByteArrayContent(body) }
                    : new HttpRequestMessage(HttpMethod.Get, "/peers/5007");
                request.Headers.TryAddWithoutValidation(Wire.MacHeader, header);
                using var response = await _node.Client.SendAsync(request, _timeout.Token);
                var text = await response.Content.ReadAsStringAsync(_timeout.Token);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} for '{header}': {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Interlocked.Increment(ref count);
            },
            seed: Seed,
            iter: Iterations,
            threads: 1,
            print: t => $"'{t.Item1}' {Encoding.UTF8.GetString(t.Item2)}");

        Assert.Equal(before, await SnapshotAsync());
        var stats = (await _node.GetJsonAsync("/state/", _timeout.Token)).GetProperty("stats");
        Assert.Equal(count, stats.GetProperty("requests_refused").GetInt64());
    }

    /// <summary><c>sig</c> values: absent, junk of every kind, the right shape with a wrong MAC, too long, not a string.</summary>
    private static Gen<string> Sig =>
        Gen.Frequency(
            (1, Gen.Const("")),
            (3, Gen.String[Gen.Char['!', '~'], 0, 60].Select(t => $",\"sig\":\"{t.Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal)}\"")),
            (3, Gen.Select(Gen.OneOf(s_keyId, "00000000"), Gen.Byte.Array[0, 40], (id, mac) => $",\"sig\":\"{id}:{Convert.ToBase64String(mac)}\"")),
            (1, Gen.Const($",\"sig\":\"{new string('s', 300)}\"")),
            (1, Gen.OneOf(",\"sig\":5", ",\"sig\":null", ",\"sig\":{}", ",\"sig\":[\"a\"]", ",\"sig\":\"\\ud800\"")));

    [Fact]
    public async Task Gossip_AnySig_Is200Or400_AndNothingNotValidlySignedIsKept()
    {
        var ok = 0;
        await Gen.Select(Sig, Gen.Int[5002, 5012], Gen.Int[1, 1000]).SampleAsync(
            async (sig, origin, version) =>
            {
                var body = $$$"""{"client_id":"5013","messages":[{"uuid":"u{{{version}}}-{{{origin}}}","client_id":"{{{origin}}}","ttl":2,"payload":{"version":{{{version}}},"book":"Kim"{{{sig}}}}}]}""";
                using var response = await _node.Client.PostAsync("/gossip/", new StringContent(body, Encoding.UTF8, "application/json"), _timeout.Token);
                var text = await response.Content.ReadAsStringAsync(_timeout.Token);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} for {body}: {text}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Equal("""{"status":"OK"}""", text);
                    Interlocked.Increment(ref ok);
                }
            },
            seed: Seed,
            iter: Iterations,
            threads: 1);

        var state = await _node.GetJsonAsync("/state/", _timeout.Token);
        Assert.Equal(["5001"], state.GetProperty("world").EnumerateObject().Select(e => e.Name));
        Assert.True(ok > Iterations / 2, $"only {ok} envelopes were read"); // most reached the signature check
        Assert.Equal(ok, state.GetProperty("stats").GetProperty("messages_refused").GetInt64());
    }
}
