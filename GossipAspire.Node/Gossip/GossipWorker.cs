using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// The node's clock: once its server listens, joins through the seed and announces the book it started with, then
/// re-picks about every <see cref="GossipOptions.PickInterval"/> and runs anti-entropy about every
/// <see cref="GossipOptions.AntiEntropyInterval"/>, both jittered and driven by the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The join waits for the server: a node that introduced itself before it could answer would have its seed's and
/// peers' first pushes to it fail (retried after 200 ms and 1 s, dropped after three).
/// </remarks>
public sealed class GossipWorker(GossipEngine engine, IOptions<GossipOptions> options, NodeSeed seed, TimeProvider time, IHostApplicationLifetime lifetime) : BackgroundService
{
    private readonly GossipOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStartedAsync(stoppingToken);
            if (seed.Id is { } seedId)
            {
                await engine.JoinAsync(seedId, stoppingToken);
            }

            engine.AnnounceStart();
            await Task.WhenAll(PickLoopAsync(stoppingToken), AntiEntropyLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Completes once the host has started, the server listening (at once if it already has).</summary>
    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    private async Task PickLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var jitter = 1 + (_options.PickJitter * ((Random.Shared.NextDouble() * 2) - 1));
            await Task.Delay(_options.PickInterval * jitter, time, stoppingToken);
            engine.Pick();
        }
    }

    private async Task AntiEntropyLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _options.AntiEntropyInterval * (0.75 + (Random.Shared.NextDouble() * 0.5));
            var due = time.GetUtcNow() + wait;
            await Task.Delay(wait, time, stoppingToken);
            var late = time.GetUtcNow() - due;
            if (late > _options.AntiEntropyInterval)
            {
                // Paused for longer than a round: peers may have dropped this node, and it has missed their news.
                engine.Resumed(late);
                await engine.RunAntiEntropyAsync(stoppingToken);
            }
            else if (engine.AntiEntropyDue(time.GetUtcNow()))
            {
                await engine.RunAntiEntropyAsync(stoppingToken);
            }
        }
    }
}

/// <summary>The seed's id, if this node has one.</summary>
public sealed record NodeSeed(string? Id);
