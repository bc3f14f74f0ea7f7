using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// The gossip itself, end to end: the real AppHost <c>Program</c> runs its ten real nodes (free ports, console
/// output in the test output) and the tests talk to them only as docs/PROTOCOL.md lets a tool talk to them.
/// Nodes pick only when told (<c>--pick-interval</c> of an hour), so every expected version is known. The
/// deadlines are generous waits, not measurements: the machine is small and shared.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class GossipEndToEndTests(ITestOutputHelper output)
{
    private const int NodeCount = 10;

    private static readonly TimeSpan s_testTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan s_convergence = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_spread = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_peerDropped = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TenNodes_AfterStart_EveryWorldHoldsEveryOriginAtItsOwnVersion()
    {
        await WithHealthyClusterAsync(async (_, nodes, ct) =>
        {
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, s_convergence, ct);

            var states = await nodes.GetStatesAsync(nodes.Names, ct);
            foreach (var (name, state) in states)
            {
                Assert.Equal(nodes.IdOf(name), state.Id);
                Assert.Equal(NodeCount, state.World.Count);
                Assert.NotEmpty(state.Peers);
                Assert.DoesNotContain(state.Id, state.Peers);
                Assert.Equal(state.Book, state.World[state.Id].Book);
            }

            // Ten nodes, ten different ids: the agreement is about ten distinct origins.
            Assert.Equal(NodeCount, states.Values.Select(s => s.Id).Distinct().Count());

            // They agreed while every node refuses what is not signed: the AppHost gave all of them one generated key.
            foreach (var name in nodes.Names)
            {
                Assert.Equal((System.Net.HttpStatusCode.Unauthorized, "application/problem+json"), await nodes.PostUnsignedDigestAsync(name, ct));
            }
        });
    }

    [Fact]
    public async Task Pick_AtOneNode_WithAChosenBook_ReachesTheOtherNine_InAnOpenCluster()
    {
        await WithHealthyClusterAsync(["--open"], async (_, nodes, ct) =>
        {
            // --open: no keyring, so an unsigned digest is answered, as the gem's nodes need.
            Assert.Equal(System.Net.HttpStatusCode.OK, (await nodes.PostUnsignedDigestAsync("node-4", ct)).Status);

            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, s_convergence, ct);
            var before = await nodes.GetStateAsync("node-4", ct);
            var book = before.Book == "Kim by Rudyard Kipling" ? "Emma by Jane Austen" : "Kim by Rudyard Kipling";

            var pick = await nodes.PickAsync("node-4", book, ct);

            Assert.Equal(book, pick.Book);
            Assert.True(pick.Version > before.Version, $"the pick's version {pick.Version} is not above the node's previous {before.Version}");
            var after = await nodes.GetStateAsync("node-4", ct);
            Assert.Equal((pick.Version, book), (after.Version, after.Book));
            await nodes.WaitForPickAsync("node-4", pick, nodes.Except("node-4"), s_spread, ct);
        });
    }

    [Fact]
    public async Task StoppedNode_IsDroppedByItsPeers_TheOthersKeepConverging_AndItRejoinsWhenStarted()
    {
        await WithHealthyClusterAsync(async (app, nodes, ct) =>
        {
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, s_convergence, ct);
            var stoppedId = nodes.IdOf("node-7");
            var live = nodes.Except("node-7");
            var knewIt = (await nodes.GetStatesAsync(live, ct)).Where(s => s.Value.Peers.Contains(stoppedId)).Select(s => s.Key).ToArray();
            Assert.NotEmpty(knewIt);
            output.WriteLine($"before the stop, {string.Join(", ", knewIt)} list node-7 ({stoppedId}) as a peer");

            var stop = await app.ResourceCommands.ExecuteCommandAsync("node-7", KnownResourceCommands.StopCommand, ct);
            Assert.True(stop.Success, stop.Message);
            await app.ResourceNotifications.WaitForResourceAsync("node-7", KnownResourceStates.TerminalStates, ct);

            // A node notices a dead peer only by sending to it, so keep the gossip going (one pick a second, each
            // from the next live node) until no live node lists node-7 any more.
            var round = 0;
            await nodes.WaitUntilAsync(
                "node-7 dropped from every live node's peers",
                async ct =>
                {
                    await nodes.PickAsync(live[round++ % live.Count], book: null, ct);
                    var states = await nodes.GetStatesAsync(live, ct);
                    var stillListing = states.Where(s => s.Value.Peers.Contains(stoppedId)).Select(s => s.Key).ToArray();
                    return stillListing.Length == 0 ? null : $"{string.Join(", ", stillListing)} still list {stoppedId}";
                },
                s_peerDropped,
                ct);

            // The other nine go on: a new pick reaches them all, and they agree on each other.
            var pick = await nodes.PickAsync("node-2", "Middlemarch by George Eliot", ct);
            await nodes.WaitForPickAsync("node-2", pick, nodes.Except("node-2", "node-7"), s_spread, ct);
            await nodes.WaitConvergedAsync(live, live, s_convergence, ct);
            Assert.All((await nodes.GetStatesAsync(live, ct)).Values, s => Assert.DoesNotContain(stoppedId, s.Peers));

            // Started again, it joins through its seed, catches up, and its next pick reaches everyone.
            var start = await app.ResourceCommands.ExecuteCommandAsync("node-7", KnownResourceCommands.StartCommand, ct);
            Assert.True(start.Success, start.Message);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("node-7", ct);
            await nodes.WaitConvergedAsync(["node-7"], nodes.Names, s_convergence, ct);
            var rejoined = await nodes.PickAsync("node-7", "Emma by Jane Austen", ct);
            await nodes.WaitForPickAsync("node-7", rejoined, live, s_spread, ct);
        });
    }

    [Fact]
    public async Task RestartedNode_CatchesUp_AndItsNewPickWinsEverywhere()
    {
        await WithHealthyClusterAsync(async (app, nodes, ct) =>
        {
            // Some history the restarted node cannot have seen: picks at three others, spread everywhere.
            foreach (var name in (string[])["node-1", "node-6", "node-9"])
            {
                await nodes.PickAsync(name, book: null, ct);
            }

            var beforePick = await nodes.PickAsync("node-5", "Kim by Rudyard Kipling", ct);
            await nodes.WaitConvergedAsync(nodes.Names, nodes.Names, s_convergence, ct);
            Assert.True(app.ResourceNotifications.TryGetCurrentState("node-5", out var running));

            var restart = await app.ResourceCommands.ExecuteCommandAsync("node-5", KnownResourceCommands.RestartCommand, ct);

            Assert.True(restart.Success, restart.Message);
            var oldPid = GossipNodes.Pid(running.Snapshot);
            Assert.NotNull(oldPid);
            var restarted = await app.ResourceNotifications.WaitForResourceAsync(
                "node-5",
                e => e.Snapshot.State?.Text == KnownResourceStates.Running
                    && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    && GossipNodes.Pid(e.Snapshot) is { } pid && pid != oldPid,
                ct);
            output.WriteLine($"node-5 restarted: pid {oldPid} -> {GossipNodes.Pid(restarted.Snapshot)}");

            // Nothing new was picked anywhere: what node-5 holds of the others it learned after its restart.
            await nodes.WaitConvergedAsync(["node-5"], nodes.Except("node-5"), s_convergence, ct);
            var state = await nodes.GetStateAsync("node-5", ct);
            Assert.NotEmpty(state.Peers);

            var pick = await nodes.PickAsync("node-5", "Middlemarch by George Eliot", ct);

            Assert.True(pick.Version > beforePick.Version, $"after the restart node-5 picked at version {pick.Version}, not above its earlier {beforePick.Version}");
            await nodes.WaitForPickAsync("node-5", pick, nodes.Except("node-5"), s_spread, ct);
        });
    }

    private Task WithHealthyClusterAsync(Func<DistributedApplication, GossipNodes, CancellationToken, Task> test) =>
        GossipAppHost.RunAsync(output, s_testTimeout, test);

    private Task WithHealthyClusterAsync(string[] args, Func<DistributedApplication, GossipNodes, CancellationToken, Task> test) =>
        GossipAppHost.RunAsync(output, s_testTimeout, test, extraArgs: args);
}
