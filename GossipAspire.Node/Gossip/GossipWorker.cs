using Microsoft.Extensions.Options;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// The node's clock: joins through the seed, announces a first pick, then re-picks about every
/// <see cref="GossipOptions.PickInterval"/> and runs anti-entropy about every
/// <see cref="GossipOptions.AntiEntropyInterval"/>, both jittered and driven by the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class GossipWorker(GossipEngine engine, IOptions<GossipOptions> options, NodeSeed seed, TimeProvider time) : BackgroundService
{
    private readonly GossipOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (seed.Id is { } seedId)
            {
                await engine.JoinAsync(seedId, stoppingToken);
            }

            engine.Pick();
            await Task.WhenAll(PickLoopAsync(stoppingToken), AntiEntropyLoopAsync(stoppingToken), ForgetLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
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

    /// <summary>Forgets silent origins about ten times per <see cref="GossipOptions.ForgetAfter"/> (every 1 s to 1 min).</summary>
    private async Task ForgetLoopAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_options.ForgetAfter.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            engine.ForgetSilent();
        }
    }

    private async Task AntiEntropyLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var jitter = 0.75 + (Random.Shared.NextDouble() * 0.5);
            await Task.Delay(_options.AntiEntropyInterval * jitter, time, stoppingToken);
            if (engine.AntiEntropyDue(time.GetUtcNow()))
            {
                await engine.RunAntiEntropyAsync(stoppingToken);
            }
        }
    }
}

/// <summary>The seed's id, if this node has one.</summary>
public sealed record NodeSeed(string? Id);
