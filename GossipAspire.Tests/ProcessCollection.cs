
namespace GossipAspire.Tests;

/// <summary>
/// Every test that starts a cluster, an AppHost or the browser runs in this one collection, so one at a time.
/// Two cores cannot host two ten-node clusters, a build and Chromium at once: under that load nodes missed
/// their deadlines and tests failed for want of CPU, not for a fault. Tests without processes still run in
/// parallel beside it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Processes and browser";
}
