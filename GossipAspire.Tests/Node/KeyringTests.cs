using System.Globalization;
using System.Text;
using GossipAspire.Node;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>
/// The keyring on its own: key ids, the canonical encodings against the worked examples of docs/PROTOCOL.md
/// section 10 (computed there with Python's hmac, independently of this code), and the option's validation.
/// </summary>
public sealed class KeyringTests
{
    // The worked example of docs/PROTOCOL.md, section 10.
    private const string ExampleKey = "0123456789abcdefghijKLMNOPQRSTuv";
    private const string ExampleUuid = "6f1d3c0e-2b0a-4c53-9a55-0d9b1a2f1e10";
    private const long ExampleVersion = 1967432188000257;
    private const string ExampleBook = "Middlemarch by George Eliot";
    private static readonly DateTimeOffset s_examplePickedAt = DateTimeOffset.Parse("2026-11-24T19:00:00.123456Z", CultureInfo.InvariantCulture);

    [Fact]
    public void KeyId_IsTheFirstFourBytesOfTheKeysSha256_InLowercaseHex()
    {
        Assert.Equal("cf2ebbc4", Keyring.KeyId(ExampleKey));
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("another key of the ring")))[..8],
            Keyring.KeyId("another key of the ring"));
    }

    [Fact]
    public void Sign_TheDocumentedExample_GivesTheDocumentedSignature()
    {
        var keyring = new Keyring([ExampleKey]);

        var signature = keyring.Sign(ExampleUuid, "5001", ExampleVersion, ExampleBook, s_examplePickedAt);

        Assert.Equal("cf2ebbc4:ce4liqZIA8Hkelp6eAa4kwP63LIwUe719/ah7jzIp68=", signature);
        Assert.Equal(SignatureCheck.Valid, keyring.Verify(ExampleUuid, "5001", ExampleVersion, ExampleBook, s_examplePickedAt, signature));
    }

    [Fact]
    public void MacRequest_TheDocumentedExamples_GiveTheDocumentedHeaders()
    {
        var keyring = new Keyring([ExampleKey]);
        var digest = """{"client_id":"5003","versions":{"5001":1967432188000257}}"""u8.ToArray();

        Assert.Equal("cf2ebbc4:1795546800:DHtzwpO+JtJwp0UNDqzDlm09Vq0NBqUCZUk+hYfeoxM=", keyring.MacRequest("POST", "/digest/", 1795546800, digest));
        Assert.Equal("cf2ebbc4:1795546800:8TCYZFtbRSX8Dg0FXbXy6mL+a585hCpLWuBkuwVBmI4=", keyring.MacRequest("GET", "/peers/5003", 1795546800, []));
    }

    [Fact]
    public void Sign_FieldsAreLengthPrefixed_SoMovingABoundaryChangesTheSignature()
    {
        var keyring = new Keyring([ExampleKey]);

        // Concatenated without lengths both would read "123 by X".
        Assert.NotEqual(keyring.Sign("u", "5001", 12, "3 by X", null), keyring.Sign("u", "5001", 123, " by X", null));
        // No picked_at is not the same as any picked_at.
        Assert.NotEqual(keyring.Sign("u", "5001", 1, "B", null), keyring.Sign("u", "5001", 1, "B", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Sign_PickedAtCountsWholeMicroseconds_AsTheWireCarriesThem()
    {
        var keyring = new Keyring([ExampleKey]);
        var precise = s_examplePickedAt.AddTicks(7); // 0.7 µs more: the wire's six digits drop it

        Assert.Equal(keyring.Sign("u", "5001", 1, "B", s_examplePickedAt), keyring.Sign("u", "5001", 1, "B", precise));
        Assert.Equal(-1, Keyring.UnixMicroseconds(DateTimeOffset.UnixEpoch.AddTicks(-1))); // floored, not truncated
    }

    [Fact]
    public void Verify_NamesWhatIsWrong()
    {
        var ring = new Keyring([ExampleKey]);
        var other = new Keyring(["a different key, long enough"]);
        var good = ring.Sign("u", "5001", 1, "B", null)!;

        Assert.Equal(SignatureCheck.Valid, ring.Verify("u", "5001", 1, "B", null, good));
        Assert.Equal(SignatureCheck.Missing, ring.Verify("u", "5001", 1, "B", null, null));
        Assert.Equal(SignatureCheck.UnknownKey, ring.Verify("u", "5001", 1, "B", null, other.Sign("u", "5001", 1, "B", null)));
        Assert.Equal(SignatureCheck.BadSignature, ring.Verify("u", "5001", 2, "B", null, good));
        Assert.Equal(SignatureCheck.BadSignature, ring.Verify("u", "5001", 1, "B", null, "no colon at all"));
        Assert.Equal(SignatureCheck.BadSignature, ring.Verify("u", "5001", 1, "B", null, "cf2ebbc4:not base64!"));
        Assert.Equal(SignatureCheck.BadSignature, ring.Verify("u", "5001", 1, "B", null, "cf2ebbc4:AAAA")); // 3 bytes, not 32
        Assert.Equal(SignatureCheck.UnknownKey, ring.Verify("u", "5001", 1, "B", null, "nothing:" + good[9..]));
    }

    [Fact]
    public void Keyring_TheFirstKeySigns_EveryKeyVerifies()
    {
        var (oldKey, newKey) = ("the old key, 0123456789", "the new key, 0123456789");
        var rotating = new Keyring([newKey, oldKey]);
        var old = new Keyring([oldKey]);

        Assert.Equal(Keyring.KeyId(newKey), rotating.SigningKeyId);
        Assert.Equal([Keyring.KeyId(newKey), Keyring.KeyId(oldKey)], rotating.KeyIds);
        Assert.StartsWith(Keyring.KeyId(newKey) + ":", rotating.Sign("u", "5001", 1, "B", null), StringComparison.Ordinal);
        Assert.Equal(SignatureCheck.Valid, rotating.Verify("u", "5001", 1, "B", null, old.Sign("u", "5001", 1, "B", null)));
        Assert.Equal(SignatureCheck.UnknownKey, old.Verify("u", "5001", 1, "B", null, rotating.Sign("u", "5001", 1, "B", null)));
    }

    [Fact]
    public void Keyring_Open_SignsNothing()
    {
        Assert.True(Keyring.Open.IsOpen);
        Assert.Null(Keyring.Open.SigningKeyId);
        Assert.Null(Keyring.Open.Sign("u", "5001", 1, "B", null));
        Assert.Null(Keyring.Open.MacRequest("GET", "/peers/5001", 1, []));
    }

    [Fact]
    public void VerifyRequest_ChecksMethodPathTimestampAndBody()
    {
        var ring = new Keyring([ExampleKey]);
        var body = """{"client_id":"5003","versions":{}}"""u8.ToArray();
        var header = ring.MacRequest("POST", "/digest/", 1795546800, body);

        var valid = ring.VerifyRequest(header, "POST", "/digest/", body);
        Assert.Equal(SignatureCheck.Valid, valid.Result);
        Assert.Equal(1795546800, valid.UnixSeconds);
        Assert.Equal(SignatureCheck.BadSignature, ring.VerifyRequest(header, "GET", "/digest/", body).Result);
        Assert.Equal(SignatureCheck.BadSignature, ring.VerifyRequest(header, "POST", "/peers/5003", body).Result);
        Assert.Equal(SignatureCheck.BadSignature, ring.VerifyRequest(header, "POST", "/digest/", [.. body, (byte)' ']).Result);
        Assert.Equal(SignatureCheck.BadSignature, ring.VerifyRequest(header!.Replace(":1795546800:", ":1795546801:", StringComparison.Ordinal), "POST", "/digest/", body).Result);
        Assert.Equal(SignatureCheck.Missing, ring.VerifyRequest(null, "POST", "/digest/", body).Result);
        Assert.Equal(SignatureCheck.Malformed, ring.VerifyRequest("cf2ebbc4:DHtzwpO+JtJwp0UNDqzDlm09Vq0NBqUCZUk+hYfeoxM=", "POST", "/digest/", body).Result);
        Assert.Equal(SignatureCheck.Malformed, ring.VerifyRequest("cf2ebbc4:-5:DHtzwpO+JtJwp0UNDqzDlm09Vq0NBqUCZUk+hYfeoxM=", "POST", "/digest/", body).Result);
        Assert.Equal(SignatureCheck.UnknownKey, ring.VerifyRequest("0badc0de" + header[8..], "POST", "/digest/", body).Result);
    }

    [Fact]
    public void Validate_BadKeys_AreEachReported_WithoutTheKeysThemselves()
    {
        var options = new GossipOptions { Keys = ["short", "a good key of 24 chars..", "a good key of 24 chars..", " padded key with a space", "trailing newline key 123\n"] };

        var result = new GossipOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains("Gossip:Keys:0 must be at least 16 characters (got 5).", failures);
        Assert.Contains("Gossip:Keys:2 repeats Gossip:Keys:1.", failures);
        Assert.Contains(failures, f => f.StartsWith("Gossip:Keys:3 starts or ends with whitespace", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Gossip:Keys:4 starts or ends with whitespace", StringComparison.Ordinal));
        Assert.Equal(4, failures.Count);
        Assert.DoesNotContain(failures, f => f.Contains("short", StringComparison.Ordinal) || f.Contains("good key", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoKeysOrGoodKeys_Pass()
    {
        Assert.True(new GossipOptionsValidator().Validate(null, new GossipOptions()).Succeeded);
        Assert.True(new GossipOptionsValidator().Validate(null, new GossipOptions { Keys = [ExampleKey, "0123456789abcdef"] }).Succeeded);
    }
}
