using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

/// <summary>
/// Sends an application's logs, the resources' console output included, to the test's output, and calls
/// <paramref name="onDcpWatchDied"/> when Aspire logs (Critical, from <c>Aspire.Hosting.Dcp.DcpExecutor</c>) that its
/// watch of DCP's resources has ended.
/// </summary>
public sealed partial class XunitLoggerProvider(ITestOutputHelper output, Action? onDcpWatchDied = null) : ILoggerProvider
{
    private const string DcpExecutorCategory = "Aspire.Hosting.Dcp.DcpExecutor";

    /// <summary>Colour codes in the resources' console output (Aspire lets them through for its console view).</summary>
    private static readonly System.Text.RegularExpressions.Regex s_ansi = AnsiEscape();

    public ILogger CreateLogger(string categoryName) =>
        new XunitLogger(output, categoryName, categoryName == DcpExecutorCategory ? onDcpWatchDied : null);

    public void Dispose()
    {
    }

    private sealed class XunitLogger(ITestOutputHelper output, string category, Action? onCritical) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Critical)
            {
                onCritical?.Invoke();
            }

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
