using System.Text;
using GossipAspire.Node.Gossip;

namespace GossipAspire.Tests.Node;

/// <summary>What a node forwards: numbers that stay valid, and one envelope per target however many messages.</summary>
public sealed class ForwardTests : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public void Dispose() => _network.Dispose();

    private static GossipEnvelope Read(string json)
    {
        Assert.True(Wire.TryReadEnvelope(Encoding.UTF8.GetBytes(json), out var envelope, out var error), error);
        return envelope!;
    }

    [Theory]
    [InlineData("9223372036854775807")] // 2^63 - 1: forwarded as -2^63 before
    [InlineData("9007199254740991")] // 2^53 - 1
    [InlineData("123456789012345678901234567890")]
    public async Task Forward_AHopAtOrBeyondTheTopOfTheRange_IsClampedAndStaysValid(string hop)
    {
        _network.Add("5001");
        _network.Add("5002");
        _network.Add("5003");
        _network["5001"].Introduce("5002");
        _network["5002"].Introduce("5003");

        _network["5001"].Receive(
            Read($$$"""{"client_id":"5009","messages":[{"uuid":"u","client_id":"5008","ttl":{{{hop}}},"payload":{"version":3,"book":"B","hop":{{{hop}}}}}]}"""),
            GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(0, _network["5001"].Stats.RequestsFailed); // a peer refusing the forward would count here
        Assert.Contains("5002", _network["5001"].Peers);
        Assert.Equal(Wire.MaxNumber, _network["5001"].History(0).Events[^1].Hop);
        Assert.Equal(Wire.MaxNumber, _network["5002"].History(0).Events[^1].Hop);
        Assert.Equal(Wire.MaxNumber, _network["5003"].History(0).Events[^1].Hop);
        Assert.Equal(3, _network["5003"].World["5008"].Version);
    }

    private static GossipEnvelope News(string sender, params (string Origin, int Count)[] origins) =>
        new(sender, [.. origins.SelectMany(o => Enumerable.Range(1, o.Count).Select(v =>
            new GossipMessage(Guid.NewGuid().ToString(), o.Origin, 3, new GossipPayload(v, $"Book {v % 50 + 1} by Author {v % 50 + 1}"))))]);

    [Fact]
    public async Task Forward_AnEnvelopeOfManyNews_GoesOnAsOneEnvelopePerTarget()
    {
        // Issue 9's stall: a valid 2,000-message envelope took seconds to answer, one fan-out per message.
        foreach (var id in new[] { "5001", "5002", "5003", "5004" })
        {
            _network.Add(id);
        }

        _network["5001"].Introduce("5002");
        _network["5001"].Introduce("5003");
        _network["5001"].Introduce("5004");

        var origins = Enumerable.Range(6000, 200).Select(p => (p.ToString(System.Globalization.CultureInfo.InvariantCulture), 1)).ToArray();
        _network["5001"].Receive(News("5009", origins), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);

        var stats = _network["5001"].Stats;
        Assert.Equal(3, stats.RequestsSent); // 5002, 5003, 5004: the sender 5009 is covered
        Assert.Equal(3 * 200, stats.MessagesSent);
        Assert.All(new[] { "5002", "5003", "5004" }, id => Assert.Equal(200, _network[id].World.Keys.Count(k => k.StartsWith('6'))));
    }

    [Fact]
    public async Task Forward_SeveralVersionsOfOneOriginInOneEnvelope_OnlyTheHighestGoesOn()
    {
        _network.Add("5001");
        _network.Add("5002");
        _network["5001"].Introduce("5002");

        _network["5001"].Receive(News("5009", ("5008", 500)), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(500, _network["5001"].World["5008"].Version);
        Assert.Equal((1L, 1L), (_network["5001"].Stats.RequestsSent, _network["5001"].Stats.MessagesSent));
        Assert.Equal(500, _network["5002"].World["5008"].Version);
    }

    [Fact]
    public async Task Forward_InABatch_AMessageNeverGoesBackToItsOrigin()
    {
        foreach (var id in new[] { "5001", "5002", "5003", "5004" })
        {
            _network.Add(id);
        }

        _network["5001"].Introduce("5002");
        _network["5001"].Introduce("5003");
        _network["5001"].Introduce("5004");

        _network["5001"].Receive(News("5009", ("5002", 10), ("5004", 10)), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);

        Assert.Equal(3, _network["5001"].Stats.RequestsSent);
        Assert.Equal(1 + 2 + 1, _network["5001"].Stats.MessagesSent); // the highest of each origin; 5002 and 5004 get each other's only
        Assert.Equal(10, _network["5003"].World["5002"].Version);
        Assert.Equal(10, _network["5003"].World["5004"].Version);
        Assert.Equal(10, _network["5002"].World["5004"].Version);
        Assert.Equal(10, _network["5004"].World["5002"].Version);
    }

    [Fact]
    public async Task Forward_MessagesOutgrowingOneBody_GoInSeveralEnvelopesThatEachFit()
    {
        _network.Add("5001", o => o.MaxBodyBytes = 2048);
        _network.Add("5002");
        _network["5001"].Introduce("5002");

        var origins = Enumerable.Range(6000, 100).Select(p => (p.ToString(System.Globalization.CultureInfo.InvariantCulture), 1)).ToArray();
        _network["5001"].Receive(News("5009", origins), GossipHeaders.None);
        await _network.SettleAsync(TimeSpan.Zero);

        var stats = _network["5001"].Stats;
        Assert.True(stats.RequestsSent > 1, $"{stats.RequestsSent} requests");
        Assert.True(stats.BytesSent <= stats.RequestsSent * 2048, $"{stats.BytesSent} bytes in {stats.RequestsSent} requests");
        Assert.Equal(100, stats.MessagesSent);
        Assert.Equal(100, _network["5002"].World.Keys.Count(k => k.StartsWith('6')));
        Assert.Equal(0, stats.RequestsFailed);
    }

    [Fact]
    public void Wire_WriteEnvelopes_KeepsEveryMessageInOrderWithinTheLimit()
    {
        var messages = Enumerable.Range(1, 40)
            .Select(v => Wire.WriteMessage(new GossipMessage($"u{v}", "5008", 2, new GossipPayload(v, "Book"))))
            .ToList();

        var envelopes = Wire.WriteEnvelopes("5001", messages, maxBytes: 1024);

        Assert.True(envelopes.Count > 1);
        Assert.All(envelopes, e => Assert.True(e.Body.Length <= 1024, $"{e.Body.Length} bytes"));
        var read = envelopes.SelectMany(e =>
        {
            Assert.True(Wire.TryReadEnvelope(e.Body, out var envelope, out var error), error);
            Assert.Equal(e.Messages, envelope!.Messages.Count);
            return envelope.Messages;
        }).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(v => $"u{v}"), read.Select(m => m.Uuid));
    }

    [Fact]
    public void Wire_TtlBeyond64Bits_IsClampedOrDropped()
    {
        var high = Read("""{"client_id":"5009","messages":[{"uuid":"u","client_id":"5008","ttl":99999999999999999999,"payload":{"version":3,"book":"B"}}]}""");
        var low = Read("""{"client_id":"5009","messages":[{"uuid":"u","client_id":"5008","ttl":-99999999999999999999,"payload":{"version":3,"book":"B"}}]}""");

        Assert.Equal(Wire.MaxNumber, high.Messages[0].Ttl);
        Assert.True(low.Messages[0].Ttl <= 0);
    }
}
