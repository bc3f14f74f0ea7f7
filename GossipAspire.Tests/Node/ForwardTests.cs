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

    [Fact]
    public void Wire_TtlBeyond64Bits_IsClampedOrDropped()
    {
        var high = Read("""{"client_id":"5009","messages":[{"uuid":"u","client_id":"5008","ttl":99999999999999999999,"payload":{"version":3,"book":"B"}}]}""");
        var low = Read("""{"client_id":"5009","messages":[{"uuid":"u","client_id":"5008","ttl":-99999999999999999999,"payload":{"version":3,"book":"B"}}]}""");

        Assert.Equal(Wire.MaxNumber, high.Messages[0].Ttl);
        Assert.True(low.Messages[0].Ttl <= 0);
    }
}
