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
    /// <summary>How often the worker checks whether the process was paused.</summary>
    public static readonly TimeSpan PauseWatchPeriod = TimeSpan.FromMilliseconds(500);

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

            engine.AnnounceStart(); // done by the join already, unless there is no seed
            await Task.WhenAll(PickLoopAsync(stoppingToken), AntiEntropyLoopAsync(stoppingToken), ForgetLoopAsync(stoppingToken), WatchForPausesAsync(stoppingToken));
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

    /// <summary>
    /// Ticks every <see cref="PauseWatchPeriod"/> and notices a tick that comes more than a request timeout late: the
    /// process was paused (SIGSTOP, a suspended VM, a long GC), so requests peers made of it timed out meanwhile and
    /// they may have dropped it. It then announces itself again and runs a repair round at once.
    /// </summary>
    private async Task WatchForPausesAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PauseWatchPeriod, time);
        var last = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            var late = now - last - PauseWatchPeriod;
            last = now;
            if (late > _options.RequestTimeout)
            {
                engine.Resumed(late);
                await engine.RunAntiEntropyAsync(stoppingToken);
                last = time.GetUtcNow();
            }
        }
    }
}

/// <summary>The seed's id, if this node has one.</summary>
public sealed record NodeSeed(string? Id);
