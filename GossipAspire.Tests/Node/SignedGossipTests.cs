using System.Diagnostics;
using GossipAspire.Node;
using GossipAspire.Node.Gossip;
using Microsoft.AspNetCore.Http;

namespace GossipAspire.Tests.Node;

/// <summary>
/// Authenticated gossip on engines wired in memory under fake time (issue 9, section 2): who signs, what a keyed
/// node refuses, what relays and repair may change, key rotation, and the MACs of joins and digests.
/// </summary>
public sealed class SignedGossipTests : IDisposable
{
    private const string OldKey = "the old key of the ring, 0123";
    private const string NewKey = "the new key of the ring, 4567";
    private const string WrongKey = "a key nobody else holds, 89ab";

    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    private static Action<GossipOptions> Keys(params string[] keys) => o => o.Keys = [.. keys];

    private DateTimeOffset Now => _network.Time.GetUtcNow();

    /// <summary>A message of <paramref name="origin"/> signed as that origin would sign it with <paramref name="key"/>.</summary>
    private GossipMessage Signed(string key, string origin, long version, string? uuid = null, string book = "Book 4 by Author 4")
    {
        uuid ??= Guid.NewGuid().ToString();
        var pickedAt = Now;
        var signature = new Keyring([key]).Sign(uuid, origin, version, book, pickedAt);
        return new GossipMessage(uuid, origin, 3, new GossipPayload(version, book, null, pickedAt, 1, null, signature));
    }

    private static GossipEnvelope Envelope(params GossipMessage[] messages) => new("5009", messages);

    [Fact]
    public async Task Pick_WithAKeyring_IsSignedWithTheFirstKey_AndEveryRingHoldingThatKeyKeepsIt()
    {
        var origin = _network.Add("5001", Keys(NewKey, OldKey));
        _network.Add("5002", Keys(OldKey, NewKey));
        _network.Add("5003", Keys(NewKey));
        _network.Mesh();

        var (version, _) = origin.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.StartsWith(Keyring.KeyId(NewKey) + ":", origin.World["5001"].Signature, StringComparison.Ordinal);
        foreach (var id in new[] { "5002", "5003" })
        {
            Assert.Equal(version, _network[id].World["5001"].Version);
            Assert.Equal(origin.World["5001"].Signature, _network[id].World["5001"].Signature);
            Assert.Equal(0, _network[id].Stats.MessagesRefused);
        }
    }

    [Fact]
    public void Rotation_ARingOfNewAndOld_VerifiesMessagesSignedWithEither()
    {
        var node = _network.Add("5001", Keys(NewKey, OldKey));

        node.Receive(Envelope(Signed(OldKey, "5003", 5), Signed(NewKey, "5004", 6)), GossipHeaders.None);

        Assert.Equal(5, node.World["5003"].Version);
        Assert.Equal(6, node.World["5004"].Version);
        Assert.Equal(0, node.Stats.MessagesRefused);
    }

    [Fact]
    public async Task Rotation_ARingOfOldOnly_RefusesNewSignedMessages_AsUnknownKey()
    {
        var origin = _network.Add("5001", Keys(NewKey, OldKey));
        var behind = _network.Add("5002", Keys(OldKey));
        _network.Mesh();

        origin.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.False(behind.World.ContainsKey("5001"));
        Assert.Equal(1, behind.RefusedByReason["unknown_key"]);
        Assert.Equal(0, origin.Stats.RequestsFailed); // the envelope itself was answered OK
    }

    public static TheoryData<string> Fields => ["uuid", "origin", "version", "book", "picked_at"];

    [Theory]
    [MemberData(nameof(Fields))]
    public void Receive_AnyOriginFieldChangedAfterSigning_IsRefusedAsBadSignature_AndTheTrueCopyStillCounts(string field)
    {
        var node = _network.Add("5001", Keys(OldKey));
        var signed = Signed(OldKey, "5003", 5, uuid: "u-5003-5");
        var tampered = field switch
        {
            "uuid" => signed with { Uuid = "u-5003-6" },
            "origin" => signed with { ClientId = "5004" },
            "version" => signed with { Payload = signed.Payload with { Version = 6 } },
            "book" => signed with { Payload = signed.Payload with { Book = "Book 5 by Author 5" } },
            _ => signed with { Payload = signed.Payload with { PickedAt = signed.Payload.PickedAt!.Value.AddMilliseconds(1) } },
        };

        node.Receive(Envelope(tampered), GossipHeaders.None);

        Assert.Equal(1, node.RefusedByReason["bad_signature"]);
        Assert.False(node.World.ContainsKey("5003") || node.World.ContainsKey("5004"));
        Assert.DoesNotContain("5004", node.Peers); // nobody is learned from a refused message

        node.Receive(Envelope(signed), GossipHeaders.None); // its uuid was not taken by the forgery
        Assert.Equal(5, node.World["5003"].Version);
    }

    [Fact]
    public void Receive_TtlHopAndTraceparent_AreNotSigned_SoARelayMayChangeThem()
    {
        var node = _network.Add("5001", Keys(OldKey));
        var signed = Signed(OldKey, "5003", 5);

        node.Receive(
            Envelope(signed with { Ttl = 1, Payload = signed.Payload with { Hop = 7, Traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } }),
            GossipHeaders.None);

        Assert.Equal(5, node.World["5003"].Version);
        Assert.Equal(0, node.Stats.MessagesRefused);
    }

    [Fact]
    public async Task Relay_ForwardsWithANewTtlHopAndTrace_AndTheOriginsSignatureHoldsAtTheEnd()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GossipTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        // A chain: 5001 knows only 5002, which alone knows 5003, so 5003 hears it through a relay.
        var origin = _network.Add("5001", Keys(OldKey));
        var relay = _network.Add("5002", Keys(NewKey, OldKey));
        var last = _network.Add("5003", Keys(OldKey));
        origin.Introduce("5002");
        relay.Introduce("5003");

        origin.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        var change = last.History(0).Events[^1];
        Assert.Equal(("5001", "5002", 2L), (change.Origin, change.From, change.Hop)); // hop and ttl moved on; traced, so did the traceparent
        Assert.Equal(origin.World["5001"].Signature, last.World["5001"].Signature); // the relay signed nothing
        Assert.Equal(0, last.Stats.MessagesRefused);
    }

    [Fact]
    public async Task Repair_CarriesTheOriginsSignatureAsReceived_NeverOneMadeByTheRelay()
    {
        var origin = _network.Add("5001", Keys(OldKey));
        var holder = _network.Add("5002", Keys(NewKey, OldKey)); // would sign with NewKey, if it signed
        var late = _network.Add("5003", Keys(OldKey, NewKey));
        origin.Introduce("5002");
        origin.Pick();
        await _network.SettleAsync(TimeSpan.Zero);
        _network.Down.Add("5001"); // so the late node cannot hear it from the origin itself, which welcomes new peers

        var join = late.JoinAsync("5002", CancellationToken.None); // the join pulls the holder's world by digest
        await _network.SettleAsync(TimeSpan.Zero, join);

        Assert.Equal(origin.World["5001"].Version, late.World["5001"].Version);
        Assert.StartsWith(Keyring.KeyId(OldKey) + ":", late.World["5001"].Signature, StringComparison.Ordinal);
        Assert.Equal(origin.World["5001"].Signature, late.World["5001"].Signature);
        Assert.True(late.History(0).Events.Single(e => e.Origin == "5001").Repair);
        Assert.Equal(0, late.Stats.MessagesRefused);
        Assert.Equal(0, holder.Stats.RequestsRefused);
    }

    [Fact]
    public void Receive_Unsigned_IntoAKeyedNode_IsRefused_AndItsUuidIsNotTaken()
    {
        var node = _network.Add("5001", Keys(OldKey));
        var signed = Signed(OldKey, "5003", 5, uuid: "shared");

        node.Receive(Envelope(signed with { Payload = signed.Payload with { Signature = null } }), GossipHeaders.None);
        Assert.False(node.World.ContainsKey("5003"));
        Assert.Equal(1, node.RefusedByReason["unsigned"]);

        node.Receive(Envelope(signed), GossipHeaders.None);
        Assert.Equal(5, node.World["5003"].Version);
        Assert.Equal(0, node.Stats.MessagesDuplicate);
    }

    [Fact]
    public void Receive_ForgedUnsignedNewsOfItsOwnId_MovesNothing()
    {
        // Issue 9's forgery, within the version rules: without the key it no longer moves the owner at all.
        var owner = _network.Add("5003", Keys(OldKey));
        var before = owner.Current;
        var ahead = ((Now.ToUnixTimeSeconds() + 60) << GossipEngine.GenerationShift) + 5;

        owner.Receive(Envelope(new GossipMessage("forged", "5003", 3, new GossipPayload(ahead, "Forged by Nobody"))), GossipHeaders.None);

        Assert.Equal(before, owner.Current);
        Assert.Equal(1, owner.RefusedByReason["unsigned"]);
    }

    [Fact]
    public async Task OpenNode_AcceptsUnsignedAndSigned_AndPassesTheSignatureOnUnchanged()
    {
        var open = _network.Add("5001");
        var keyed = _network.Add("5002", Keys(OldKey));
        open.Introduce("5002");
        var signed = Signed(OldKey, "5003", 5);

        open.Receive(Envelope(signed, new GossipMessage("plain", "5004", 3, new GossipPayload(2, "Book 2 by Author 2"))), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(5, open.World["5003"].Version);
        Assert.Equal(2, open.World["5004"].Version); // the gem's unsigned news, as before
        Assert.Equal(signed.Payload.Signature, keyed.World["5003"].Signature); // relayed by an open node, still valid
        Assert.False(keyed.World.ContainsKey("5004")); // the keyed node refuses the unsigned one
        Assert.Equal(1, keyed.RefusedByReason["unsigned"]);
    }

    [Fact]
    public async Task WrongKey_ItsPicksAreRefusedByEveryone_AndItLearnsNothingFromThem()
    {
        var a = _network.Add("5001", Keys(OldKey));
        var b = _network.Add("5002", Keys(OldKey));
        var wrong = _network.Add("5003", Keys(WrongKey));
        _network.Mesh();

        wrong.Pick();
        a.Pick();
        b.Pick();
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.False(a.World.ContainsKey("5003"));
        Assert.False(b.World.ContainsKey("5003"));
        Assert.Equal(["5003"], wrong.World.Keys);
        Assert.Equal(1, a.RefusedByReason["unknown_key"]);
        Assert.Equal(2, wrong.RefusedByReason["unknown_key"]);
        Assert.Equal(a.World["5002"].Version, b.Current.Version);
    }

    [Fact]
    public async Task Join_WithAKeyTheSeedDoesNotHold_IsRefused_AndTheSeedLearnsNothing()
    {
        var seed = _network.Add("5001", Keys(OldKey));
        var wrong = _network.Add("5003", Keys(WrongKey));
        using var stop = new CancellationTokenSource();

        var join = wrong.JoinAsync("5001", stop.Token);
        await _network.SettleAsync(TimeSpan.FromSeconds(3));

        Assert.False(join.IsCompleted); // it keeps trying, as it would with a seed that is not up
        Assert.Empty(seed.Peers);
        Assert.Empty(wrong.Peers);
        Assert.True(seed.Stats.RequestsRefused >= 2);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => join.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Digest_FromAPeerWithAnotherKey_Is401_CountsAsAFailure_AndNothingIsAbsorbed()
    {
        var a = _network.Add("5001", Keys(OldKey));
        var wrong = _network.Add("5003", Keys(WrongKey));
        a.Pick();
        wrong.Introduce("5001");

        await wrong.RunAntiEntropyAsync(CancellationToken.None);

        Assert.Equal(1, wrong.Stats.RequestsFailed);
        Assert.False(wrong.World.ContainsKey("5001"));
        Assert.DoesNotContain("5003", a.Peers); // the digest's caller is not learned
    }

    // The request MAC at the door itself, with the clock in the test's hands.

    private HeaderDictionary MacHeaders(string key, string method, string path, byte[] body, DateTimeOffset at)
    {
        var headers = new HeaderDictionary();
        headers[Wire.MacHeader] = new Keyring([key]).MacRequest(method, path, at.ToUnixTimeSeconds(), body);
        return headers;
    }

    [Fact]
    public void Authenticate_AValidMac_IsAcceptedOnce_AndTheSameRequestAgainIsRefusedAsReplayed()
    {
        _network.Add("5001", Keys(OldKey));
        var door = _network.AdmissionOf("5001");
        var body = "{\"client_id\":\"5002\",\"versions\":{}}"u8.ToArray();
        var headers = MacHeaders(OldKey, "POST", "/digest/", body, Now);

        Assert.Null(door.Authenticate("POST", "/digest/", headers, body, Now));
        _network.Time.Advance(TimeSpan.FromSeconds(30));
        var again = door.Authenticate("POST", "/digest/", headers, body, Now);

        Assert.Equal((401, "replayed"), (again!.Status, again.Reason));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Authenticate_ATimestampBeyondTheClockSkew_IsRefusedAsStale(int seconds)
    {
        _network.Add("5001", o => { o.Keys = [OldKey]; o.MaxClockSkew = TimeSpan.FromMinutes(5); });
        var door = _network.AdmissionOf("5001");
        var headers = MacHeaders(OldKey, "GET", "/peers/5002", [], Now.AddSeconds(seconds));

        var refusal = door.Authenticate("GET", "/peers/5002", headers, [], Now);

        Assert.Equal((401, "stale"), (refusal!.Status, refusal.Reason));
        Assert.Contains($"{seconds} s from the receiving node's clock", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_ACapturedRequestReplayedAfterTheWindow_IsRefusedAsStale()
    {
        _network.Add("5001", o => { o.Keys = [OldKey]; o.MaxClockSkew = TimeSpan.FromMinutes(5); });
        var door = _network.AdmissionOf("5001");
        var headers = MacHeaders(OldKey, "GET", "/peers/5002", [], Now);
        Assert.Null(door.Authenticate("GET", "/peers/5002", headers, [], Now));

        _network.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal("stale", door.Authenticate("GET", "/peers/5002", headers, [], Now)!.Reason);
    }

    [Fact]
    public void Authenticate_WithinTheSkew_EitherWay_IsAccepted()
    {
        _network.Add("5001", o => { o.Keys = [OldKey]; o.MaxClockSkew = TimeSpan.FromMinutes(5); });
        var door = _network.AdmissionOf("5001");

        Assert.Null(door.Authenticate("GET", "/peers/5002", MacHeaders(OldKey, "GET", "/peers/5002", [], Now.AddSeconds(300)), [], Now));
        Assert.Null(door.Authenticate("GET", "/peers/5002", MacHeaders(OldKey, "GET", "/peers/5002", [], Now.AddSeconds(-300)), [], Now));
    }

    [Fact]
    public void Authenticate_NamesEachReason_AndCountsIt()
    {
        var node = _network.Add("5001", Keys(OldKey));
        var door = _network.AdmissionOf("5001");
        var body = "{}"u8.ToArray();
        var good = MacHeaders(OldKey, "POST", "/digest/", body, Now);
        string? Reason(IHeaderDictionary headers, string path = "/digest/", byte[]? with = null) =>
            door.Authenticate("POST", path, headers, with ?? body, Now)?.Reason;

        Assert.Equal("missing", Reason(new HeaderDictionary()));
        Assert.Equal("malformed", Reason(new HeaderDictionary { [Wire.MacHeader] = "just-one-part" }));
        Assert.Equal("malformed", Reason(new HeaderDictionary { [Wire.MacHeader] = new Microsoft.Extensions.Primitives.StringValues(new[] { "a:1:b", "c:2:d" }) }));
        Assert.Equal("unknown_key", Reason(MacHeaders(WrongKey, "POST", "/digest/", body, Now)));
        Assert.Equal("bad_signature", Reason(good, with: "{ }"u8.ToArray()));
        Assert.Equal("bad_signature", Reason(good, path: "/peers/5002"));
        Assert.Null(Reason(good));
        Assert.Equal(6, node.Stats.RequestsRefused);
    }

    [Fact]
    public void Authenticate_ARefusal_IsCountedInTheMetricWithItsReason()
    {
        using var recorder = new ReasonRecorder(_network.MeterFactory, "gossip.requests.refused");
        _network.Add("5001", Keys(OldKey));
        var door = _network.AdmissionOf("5001");

        door.Authenticate("GET", "/peers/5002", new HeaderDictionary(), [], Now);
        door.Authenticate("GET", "/peers/5002", MacHeaders(WrongKey, "GET", "/peers/5002", [], Now), [], Now);

        Assert.Equal(["missing", "unknown_key"], recorder.Reasons);
    }

    [Fact]
    public void Authenticate_WithoutAKeyring_LetsEverythingThrough()
    {
        _network.Add("5001");

        Assert.Null(_network.AdmissionOf("5001").Authenticate("POST", "/digest/", new HeaderDictionary(), [], Now));
    }
}
