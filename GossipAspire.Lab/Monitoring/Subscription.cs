namespace GossipAspire.Lab.Monitoring;

/// <summary>
/// A change callback with a floor on how often it runs, so a page redraws at most a few times a second however
/// often the data changes. A change arriving while a call is pending is folded into it; one arriving during
/// the call schedules exactly one more, so the last change is never missed.
/// </summary>
public sealed class Subscription : IDisposable
{
    private readonly Func<Task> _callback;
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _timeProvider;
    private readonly Action<Subscription> _unsubscribe;
    private readonly Action<Exception> _onError;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _pending;
    private bool _disposed;
    private long _lastRun;
    private bool _ranOnce;

    internal Subscription(Func<Task> callback, TimeSpan minInterval, TimeProvider timeProvider, Action<Subscription> unsubscribe, Action<Exception> onError)
    {
        _callback = callback;
        _minInterval = minInterval;
        _timeProvider = timeProvider;
        _unsubscribe = unsubscribe;
        _onError = onError;
    }

    internal void Notify()
    {
        lock (_lock)
        {
            if (_pending || _disposed)
            {
                return;
            }

            _pending = true;
            var wait = _ranOnce ? _minInterval - _timeProvider.GetElapsedTime(_lastRun) : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                _ = Task.Run(RunAsync);
            }
            else
            {
                _timer?.Dispose();
                _timer = _timeProvider.CreateTimer(_ => _ = RunAsync(), null, wait, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task RunAsync()
    {
        lock (_lock)
        {
            _pending = false;
            _ranOnce = true;
            _lastRun = _timeProvider.GetTimestamp();
            if (_disposed)
            {
                return;
            }
        }

        try
        {
            await _callback();
        }
        catch (Exception ex)
        {
            _onError(ex);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        _unsubscribe(this);
    }
}
