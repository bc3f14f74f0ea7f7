using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>Sends an application's logs, the resources' console output included, to the test's output.</summary>
public sealed partial class XunitLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    /// <summary>Colour codes in the resources' console output (Aspire lets them through for its console view).</summary>
    private static readonly System.Text.RegularExpressions.Regex s_ansi = AnsiEscape();

    public ILogger CreateLogger(string categoryName) => new XunitLogger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class XunitLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                var message = s_ansi.Replace(formatter(state, exception), "");
                output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel,-11} {category}: {message}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; a late line from a stopping process has nowhere to go.
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();
}
