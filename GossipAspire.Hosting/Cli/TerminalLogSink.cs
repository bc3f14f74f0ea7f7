using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.Cli;

/// <summary>
/// In live mode, the AppHost's own log messages (the hosting layer's at Information, anything's at Warning and
/// above) are kept here, the newest few shown under the resource table.
/// </summary>
internal sealed class TerminalLogSink : ILoggerProvider
{
    private const int Capacity = 6;
    private readonly Lock _lock = new();
    private readonly Queue<string> _recent = new();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public IReadOnlyList<string> Recent()
    {
        lock (_lock)
        {
            return [.. _recent];
        }
    }

    public void Dispose()
    {
    }

    private void Add(string message)
    {
        lock (_lock)
        {
            if (_recent.Count == Capacity)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(message);
        }
    }

    private sealed class SinkLogger(TerminalLogSink sink, string category) : ILogger
    {
        private readonly bool _isHosting = category.StartsWith("Aspire.Hosting", StringComparison.Ordinal);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= (_isHosting ? LogLevel.Information : LogLevel.Warning) && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var level = logLevel switch
                {
                    LogLevel.Warning => "warn",
                    LogLevel.Error => "fail",
                    LogLevel.Critical => "crit",
                    _ => "info",
                };
                sink.Add($"{DateTime.Now:HH:mm:ss} {level}: {formatter(state, exception)}");
            }
        }
    }
}
