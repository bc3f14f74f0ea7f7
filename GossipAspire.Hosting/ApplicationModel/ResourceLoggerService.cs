using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>One line of a resource's console log. Line numbers count every line across restarts, from 1.</summary>
public readonly record struct LogLine(int LineNumber, string Content, bool IsErrorMessage, DateTime Timestamp);

/// <summary>
/// The console logs of the resources: what their processes write to stdout and stderr, plus the host's own
/// notes about them (started, exited with code ...), each kept in a bounded buffer (the newest lines win).
/// </summary>
public sealed class ResourceLoggerService
{
    /// <summary>How many lines each resource keeps.</summary>
    public const int DefaultMaxLinesPerResource = 10_000;

    private readonly DistributedApplicationModel _model;
    private readonly TimeProvider _timeProvider;
    private readonly int _capacity;
    private readonly Dictionary<string, ResourceLog> _logs = new(StringComparer.OrdinalIgnoreCase);

    public ResourceLoggerService(DistributedApplicationModel model, TimeProvider timeProvider, int maxLinesPerResource = DefaultMaxLinesPerResource)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLinesPerResource, 1);
        _model = model;
        _timeProvider = timeProvider;
        _capacity = maxLinesPerResource;
        foreach (var resource in model.Resources)
        {
            _logs[resource.Name] = new ResourceLog(resource.Name);
        }
    }

    /// <summary>Called for every line written, after it is stored (the testing builder forwards lines to ILogger with it).</summary>
    internal event Action<string, LogLine>? LineWritten;

    /// <summary>A logger whose messages become lines of the resource's console log.</summary>
    public ILogger GetLogger(IResource resource) => GetLogger(resource.Name);

    public ILogger GetLogger(string resourceName) => new ResourceConsoleLogger(this, Get(resourceName).Name);

    /// <summary>The lines the buffer holds now, oldest first.</summary>
    public IReadOnlyList<LogLine> GetBufferedLines(string resourceName)
    {
        var log = Get(resourceName);
        lock (log)
        {
            return [.. log.Lines];
        }
    }

    /// <summary>First the buffered lines (one batch, possibly empty), then new lines in batches as they are written.</summary>
    public async IAsyncEnumerable<IReadOnlyList<LogLine>> WatchAsync(string resourceName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var log = Get(resourceName);
        var channel = Channel.CreateUnbounded<LogLine>(new UnboundedChannelOptions { SingleReader = true });
        LogLine[] initial;
        lock (log)
        {
            initial = [.. log.Lines];
            log.Watchers.Add(channel);
        }

        try
        {
            yield return initial;
            var batch = new List<LogLine>();
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (batch.Count < 1000 && channel.Reader.TryRead(out var line))
                {
                    batch.Add(line);
                }

                yield return [.. batch];
                batch.Clear();
            }
        }
        finally
        {
            lock (log)
            {
                log.Watchers.Remove(channel);
            }
        }
    }

    internal void WriteLine(string resourceName, string text, bool isError)
    {
        var log = Get(resourceName);
        LogLine line;
        lock (log)
        {
            line = new LogLine(++log.LastLineNumber, text, isError, _timeProvider.GetUtcNow().UtcDateTime);
            if (log.Lines.Count == _capacity)
            {
                log.Lines.Dequeue();
            }

            log.Lines.Enqueue(line);
            foreach (var watcher in log.Watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }

        LineWritten?.Invoke(log.Name, line);
    }

    private ResourceLog Get(string resourceName)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        return _logs.TryGetValue(resourceName, out var log)
            ? log
            : throw new ArgumentException(_model.UnknownResourceMessage(resourceName), nameof(resourceName));
    }

    private sealed class ResourceLog(string name)
    {
        public string Name { get; } = name;

        public Queue<LogLine> Lines { get; } = new();

        public List<Channel<LogLine>> Watchers { get; } = [];

        public int LastLineNumber { get; set; }
    }

    private sealed class ResourceConsoleLogger(ResourceLoggerService owner, string resourceName) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null)
            {
                message = $"{message}{Environment.NewLine}{exception}";
            }

            owner.WriteLine(resourceName, message, isError: logLevel >= LogLevel.Error);
        }
    }
}
