namespace GossipAspire.Node.Gossip;

/// <summary>
/// Everything this node sends to its peers goes out here: pushes in the background (so a receiver answers at once),
/// each retried after 200 ms and 1 s while the target is still a peer; digest exchanges; the join. It counts every
/// request, tells <see cref="Membership"/> how each one went, and knows which requests are still in flight.
/// Thread-safe.
/// </summary>
public sealed class Outbox : IDisposable
{
    private static readonly TimeSpan[] s_retryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)];

    private readonly GossipOptions _options;
    private readonly IGossipTransport _transport;
    private readonly Membership _membership;
    private readonly GossipCounters _counters;
    private readonly TimeProvider _time;
    private readonly Func<string, long> _versionHeld;
    private readonly Action<string> _catchUp;
    private readonly Action<string> _reached;
    private readonly GemPeers _gemPeers;
    private readonly HashSet<Task> _inFlight = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="versionHeld">The version this node holds of a peer, remembered when the peer is dropped.</param>
    /// <param name="catchUp">Called when a peer answers for the first time after a send left it out meanwhile.</param>
    /// <param name="reached">A peer answered a request: it lives.</param>
    /// <param name="gemPeers">Where a peer that answers a digest with 404 is marked as a gem-protocol peer.</param>
    public Outbox(GossipOptions options, IGossipTransport transport, Membership membership, GossipCounters counters, TimeProvider time, Func<string, long> versionHeld, Action<string> catchUp, Action<string> reached, GemPeers gemPeers)
    {
        _gemPeers = gemPeers;
        _options = options;
        _transport = transport;
        _membership = membership;
        _counters = counters;
        _time = time;
        _versionHeld = versionHeld;
        _catchUp = catchUp;
        _reached = reached;
    }

    /// <summary>Sends the same envelope body to every target, each in the background.</summary>
    public void Push(byte[] body, int messages, IReadOnlyList<string> targets, GossipHeaders headers)
    {
        foreach (var target in targets)
        {
            Track(SendAsync(target, body, messages, headers, _stopping.Token));
        }
    }

    /// <summary>One envelope to one peer, retried while the peer is still a peer.</summary>
    public async Task SendAsync(string peer, byte[] body, int messages, GossipHeaders headers, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await DelayIfConfigured(cancellationToken);
                using var timeout = Timeout(cancellationToken);
                _counters.RequestSent(body.Length, messages);
                await _transport.SendAsync(peer, body, headers, timeout.Token);
                Answered(peer);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Failed(peer, exception.Message);
                if (attempt >= s_retryDelays.Length || !_membership.Contains(peer))
                {
                    return;
                }

                await Task.Delay(s_retryDelays[attempt], _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// <c>POST /digest/</c> to a peer: the answer's body, or null when the request failed (and was counted) or the
    /// peer answered 404, the gem's answer to a path it does not serve: then it is marked a gem-protocol peer, and
    /// since it did answer, that is no failure.
    /// </summary>
    public async Task<byte[]?> ExchangeDigestAsync(string peer, byte[] digest, CancellationToken cancellationToken)
    {
        try
        {
            await DelayIfConfigured(cancellationToken);
            using var timeout = Timeout(cancellationToken);
            _counters.RequestSent(digest.Length, messages: 0);
            var answer = await _transport.ExchangeDigestAsync(peer, digest, timeout.Token);
            Answered(peer);
            return answer;
        }
        catch (HttpRequestException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound && !cancellationToken.IsCancellationRequested)
        {
            _membership.Succeeded(peer);
            _reached(peer);
            _gemPeers.Mark(peer, _time.GetUtcNow());
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(peer, exception.Message);
            return null;
        }
    }

    /// <summary><c>GET /peers/{self}</c> on the seed, within the request timeout; throws when it does not answer.</summary>
    public async Task<IReadOnlyList<string>> JoinAsync(string seed, string self, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        return await _transport.JoinAsync(seed, self, timeout.Token);
    }

    /// <summary>Runs <paramref name="work"/> in the background, counted among the requests in flight, until shutdown.</summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        var token = _stopping.Token;
        Track(Guarded());

        async Task Guarded()
        {
            try
            {
                await work(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Completes when every request started here has finished (tests and shutdown).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_inFlight)
            {
                pending = [.. _inFlight];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void Answered(string peer)
    {
        if (_membership.Succeeded(peer))
        {
            _catchUp(peer);
        }

        _reached(peer);
    }

    private void Failed(string peer, string reason)
    {
        _counters.RequestFailed();
        _membership.Failed(peer, _versionHeld(peer), reason, _time.GetUtcNow());
    }

    private void Track(Task task)
    {
        lock (_inFlight)
        {
            _inFlight.Add(task);
        }

        task.ContinueWith(
            t =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DelayIfConfigured(CancellationToken cancellationToken)
    {
        if (_options.SendDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.SendDelay, _time, cancellationToken);
        }
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_options.RequestTimeout);
        return source;
    }
}
