using GossipAspire.Dashboard.Resources;

namespace GossipAspire.Tests.Dashboard;

public sealed class ResourceNameComparerTests
{
    [Fact]
    public void Order_NumberedNodes_CountsRatherThanSpells()
    {
        string[] names = ["node-10", "node-2", "api", "node-1", "node-9", "node-100", "node-11"];

        var ordered = names.Order(ResourceNameComparer.Instance);

        Assert.Equal(["api", "node-1", "node-2", "node-9", "node-10", "node-11", "node-100"], ordered);
    }

    [Theory]
    [InlineData("node-1", "node-1", 0)]
    [InlineData("node-01", "node-1", -1)]
    [InlineData("node-1", "node-1a", -1)]
    [InlineData("node-1b", "node-1a", 1)]
    [InlineData("node", "node-1", -1)]
    [InlineData("a9", "b1", -1)]
    [InlineData("node-99999999999999999999", "node-100000000000000000000", -1)]
    public void Compare_Pairs_GivesAFixedTotalOrder(string x, string y, int expected)
    {
        Assert.Equal(expected, Math.Sign(ResourceNameComparer.Instance.Compare(x, y)));
        Assert.Equal(-expected, Math.Sign(ResourceNameComparer.Instance.Compare(y, x)));
    }
}
