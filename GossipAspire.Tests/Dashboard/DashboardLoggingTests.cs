using GossipAspire.Dashboard.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GossipAspire.Tests.Dashboard;

/// <summary>The dashboard's own log levels: quiet about each request it serves, unless configured otherwise.</summary>
public sealed class DashboardLoggingTests : IDisposable
{
    private const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly string _emptyContentRoot = Directory.CreateTempSubdirectory("dashboard-content-root-").FullName;

    [Fact]
    public async Task RequestLogs_ByDefault_AreLeftOut()
    {
        await using var app = Create([]);

        var factory = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(factory.CreateLogger(RequestLogCategory).IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(RequestLogCategory).IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger("Microsoft.Hosting.Lifetime").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(typeof(DashboardWebApplication).FullName!).IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task RequestLogs_WhenConfigured_AreWritten()
    {
        await using var app = Create([new("Logging:LogLevel:Microsoft.AspNetCore", "Information")]);

        var factory = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(factory.CreateLogger(RequestLogCategory).IsEnabled(LogLevel.Information));
    }

    public void Dispose() => Directory.Delete(_emptyContentRoot, recursive: true);

    /// <summary>
    /// Built (not started) with a provider that takes every level, so only the filter rules decide, and in an
    /// empty content root, as under the AppHost: this test's own output holds the node's appsettings.json.
    /// </summary>
    private Microsoft.AspNetCore.Builder.WebApplication Create(KeyValuePair<string, string?>[] settings) =>
        DashboardWebApplication.Create(["--contentRoot", _emptyContentRoot], builder =>
        {
            builder.Configuration.AddInMemoryCollection([new("Dashboard:Frontend:AuthMode", "Unsecured"), .. settings]);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new EveryLevelProvider());
        });

    private sealed class EveryLevelProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new EveryLevelLogger();

        public void Dispose()
        {
        }

        private sealed class EveryLevelLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}
