using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace GossipAspire.Tests.AppHost;

internal static class TestLoggingExtensions
{
    /// <summary>
    /// The AppHost's logs, the resources' console output included, go to the test's output only (not to the
    /// runner's console, where ten nodes would bury the test results). Aspire's own orchestration and health-probe
    /// chatter is kept to warnings.
    /// </summary>
    /// <param name="onDcpWatchDied">Called when Aspire logs that its watch of DCP's resources ended (a Critical log of
    /// <c>Aspire.Hosting.Dcp.DcpExecutor</c>): from then on no resource state changes reach the app.</param>
    public static IServiceCollection AddLoggingToTestOutput(this IServiceCollection services, ITestOutputHelper output, Action? onDcpWatchDied = null) =>
        services.AddLogging(logging => logging
            .ClearProviders()
            .AddProvider(new XunitLoggerProvider(output, onDcpWatchDied))
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Error)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Http", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Warning));
}
